"""The data Annotator ships: label schema, guideline, patterns, attribution rules, the
sample article, the icon and the desktop entry. Installed as the package
``annotator.resources``; code finds each file through :mod:`annotator.shipped`."""
