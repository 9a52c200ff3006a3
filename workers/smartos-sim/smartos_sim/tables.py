"""Text tables as imgadm (tabula) and vmadm print them, and dotted-field lookups."""


def lookup(obj, field):
    """obj["a"]["b"] for field "a.b" (None if absent)."""
    value = obj
    for part in field.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def text(value):
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        import json
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def tabula(rows, columns, headers=True):
    """Left-aligned columns two spaces apart, upper-case headers (node-tabula's default)."""
    cells = [[text(row.get(col)) for col in columns] for row in rows]
    if headers:
        cells.insert(0, [col.upper() for col in columns])
    if not cells:
        return ""
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    out = []
    for line in cells:
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
    return "\n".join(out) + "\n"
