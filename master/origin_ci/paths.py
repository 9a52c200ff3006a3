"""Where this checkout keeps its configuration and runtime state by default."""
import os

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_CONFIG_DIR = os.path.join(REPO_ROOT, "config")
DEFAULT_VAR_DIR = os.path.join(REPO_ROOT, "var")
