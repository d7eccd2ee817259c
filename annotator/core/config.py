"""Per-user settings that are not window state: the annotator's name, the default project.

Stored as JSON in the user config folder (platformdirs), shared by the CLI and the
window. Window layout lives in QSettings (``annotator.gui.settings``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

APP_NAME = "annotator"
ENV_DB = "ANNOTATOR_DB"
ENV_NAME = "ANNOTATOR_NAME"
ENV_CONFIG_DIR = "ANNOTATOR_CONFIG_DIR"
ENV_DATA_DIR = "ANNOTATOR_DATA_DIR"


def config_path() -> Path:
    base = os.environ.get(ENV_CONFIG_DIR) or _platformdirs().user_config_dir(APP_NAME)
    return Path(base) / "config.json"


def data_dir() -> Path:
    return Path(os.environ.get(ENV_DATA_DIR) or _platformdirs().user_data_dir(APP_NAME))


def _platformdirs() -> Any:
    import platformdirs  # 4 ms: not for a command given its folders and name

    return platformdirs


def default_db_path() -> Path:
    """``$ANNOTATOR_DB``, else ``annotator.db`` in the user data folder."""
    env = os.environ.get(ENV_DB)
    return Path(env) if env else data_dir() / "annotator.db"


def load_config() -> dict[str, Any]:
    try:
        return json.loads(config_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_config(values: dict[str, Any]) -> None:
    """Merge ``values`` into the config file (created with its folder if needed)."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    config = load_config()
    config.update(values)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(config, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def stored_annotator() -> str | None:
    name = load_config().get("annotator")
    return name.strip() if isinstance(name, str) and name.strip() else None


def resolve_annotator(explicit: str | None = None) -> str | None:
    """The annotator's name: ``explicit``, else ``$ANNOTATOR_NAME``, else the stored one."""
    for candidate in (explicit, os.environ.get(ENV_NAME), stored_annotator()):
        if candidate and candidate.strip():
            return candidate.strip()
    return None


def fallback_annotator() -> str:
    """The login name, used where nobody can be asked (scripts, tests, CLI imports)."""
    import getpass

    try:
        return getpass.getuser() or "annotator"
    except Exception:  # no login name in some containers
        return "annotator"
