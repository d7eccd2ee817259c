"""QSettings keys, all in one place. QSettings holds window state only; the annotator's
name and other user settings are in ``annotator.core.config``."""

ORGANISATION = "Annotator"
APPLICATION = "Annotator"

WINDOW_GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
SPLITTER_STATE = "window/splitter"
RECENT_PROJECTS = "files/recent_projects"
IMPORT_FOLDER = "files/import_folder"
"""Where File → Import and Merge last found files (their dialogs open there)."""
EXPORT_FOLDER = "files/export_folder"
"""Where File → Export last wrote (its "Save to" starts there)."""
LABEL_TAGS = "view/label_tags"
"""Whether the article shows a tag with the label's name over each span."""
FIND_STRUCTURES = "suggest/find_structures"
"""Whether the window runs the attribution rules over English documents it shows."""
