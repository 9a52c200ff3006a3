"""The real tools' command-line facts (data/smartos-cli.json, extracted from smartos-live).

The option tables the simulator parses with come from this file, so an option the real tool
does not declare is refused here too.
"""
import functools
import json
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "smartos-cli.json"


@functools.lru_cache(maxsize=None)
def cli_data():
    with open(DATA_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def imgadm_options(subcommand):
    return cli_data()["imgadm"][subcommand]["options"]


def imgadm_global_options():
    return cli_data()["imgadm"]["_global"]["options"]


def imgadm_subcommands():
    """Map of every imgadm command name and alias to its canonical name."""
    data = cli_data()["imgadm"]
    names = {}
    for name in data["_global"]["subcommands"]:
        names[name] = name
        for alias in data.get(name, {}).get("aliases", []):
            names[alias] = name
    return names


def vmadm_commands():
    return list(cli_data()["vmadm"]["_global"]["commands"])


def vmadm_options(command):
    """Options of a vmadm command; commands without an entry take only -v and -d."""
    data = cli_data()["vmadm"]
    for name, entry in data.items():
        if name == command or command in entry.get("aliases", []):
            return entry["options"]
    return data["create"]["options"][:2]


def vmadm_list_fields():
    return list(cli_data()["vmadm"]["list"]["list_fields"])


def payload_properties():
    """vmadm create payload properties (name -> property facts), without the notes."""
    props = cli_data()["vmadm_create_payload"]
    return {name: facts for name, facts in props.items() if not name.startswith("_")}


def zlogin_getopt_string():
    return cli_data()["zlogin"]["getopt_string"]
