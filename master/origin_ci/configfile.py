"""Reading operator-edited YAML files with errors that name the file, the key and the reason."""
import jsonschema
import yaml


class ConfigFileError(ValueError):
    """A configuration file that must not be used; `problems` are `(key, reason)` pairs."""

    def __init__(self, path, problems):
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {key}: {reason}" for key, reason in problems))


def key_path(parts):
    """`['flavours', 2, 'packages']` -> `flavours[2].packages`."""
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def _problems_of(error):
    parts = list(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        return [(key_path(parts + [extra]), f"unknown key (allowed: {', '.join(allowed)})")
                for extra in sorted(set(error.instance) - set(allowed))]
    if error.validator == "type" and isinstance(error.instance, (int, float)) \
            and "string" in str(error.validator_value):
        return [(key_path(parts), f"{error.instance!r} must be a string: quote it in YAML")]
    reason = error.schema.get("description_of_pattern") if error.validator == "pattern" else None
    return [(key_path(parts), f"{error.instance!r} {reason}" if reason else error.message)]


def schema_problems(schema, document):
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        problems.extend(_problems_of(error))
    return problems


def read_text(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as error:
        raise ConfigFileError(path, [("(file)", f"cannot be read: {error.strerror}")]) from None


def read_yaml(path, schema):
    """The document in `path`, checked against `schema`; raises ConfigFileError."""
    return parse_yaml(read_text(path), path, schema)


def parse_yaml(text, path, schema):
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(top level)"
        raise ConfigFileError(path, [(where, f"not valid YAML: {getattr(error, 'problem', None) or error}")])
    problems = schema_problems(schema, document)
    if problems:
        raise ConfigFileError(path, problems)
    return document
