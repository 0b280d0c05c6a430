"""Turning a stored legal text into HTML: paragraphs, "## " headings, "- " lists and "! " notes
(a highlighted paragraph, e.g. the demo's "template text" warning), all escaped."""

from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe


def _inline(line: str) -> str:
    return urlize(escape(line), nofollow=True)


def legal_html(text: str) -> SafeString:
    blocks: list[str] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in block.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            blocks.append(f"<h2>{_inline(lines[0][3:])}</h2>")
            lines = lines[1:]
            if not lines:
                continue
        if lines[0].startswith("! "):
            note = "<br>".join(_inline(line.removeprefix("! ")) for line in lines)
            blocks.append(f'<p class="legal-note" role="note">{note}</p>')
        elif all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece was escaped above
