#!/usr/bin/python3
"""Every relative link of the manual leads somewhere: a file that exists and, with `#anchor`, a heading of it.

Usage: docs_links_check.py SOURCE_DIR
Reads README.md, ARCHITECTURE.md, CONTRIBUTING.md, docs/*.md and each folder's README.md. A link `[text](PATH)`,
`[text](PATH#ANCHOR)` or `[text](#ANCHOR)` outside code is checked: PATH (relative to the file) must exist, and
ANCHOR must be the GitHub slug of one of the target's headings (lower case, punctuation dropped, spaces as `-`, a
repeated heading's slug followed by `-1`, `-2`...). Links with a scheme (https:, mailto:) are not followed.
"""
import glob
import os
import re
import sys

src = sys.argv[1]


def strip_code(text):
    """The text without fenced blocks and inline code (links and headings there are not links and headings)."""
    out, fence = [], None
    for line in text.split("\n"):
        m = re.match(r"^\s*(```+|~~~+)", line)
        if m:
            if fence is None:
                fence = m.group(1)[:3]
            elif m.group(1).startswith(fence):
                fence = None
            out.append("")
            continue
        out.append("" if fence else re.sub(r"(`+)(?:(?!\1).)+?\1", "", line))
    return out


def slug(heading):
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text stays
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)  # \w keeps letters and digits of any script, and _
    return text.replace(" ", "-")


anchors_cache = {}


def anchors(path):
    if path not in anchors_cache:
        seen, out = {}, set()
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        fence = None
        for line in lines:
            m = re.match(r"^\s*(```+|~~~+)", line)
            if m:
                fence = m.group(1)[:3] if fence is None else (None if m.group(1).startswith(fence) else fence)
                continue
            h = None if fence else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if not h:
                continue
            s = slug(h.group(1))
            n = seen.get(s, 0)
            seen[s] = n + 1
            out.add(s if n == 0 else f"{s}-{n}")
        for a in re.findall(r'<a\s+(?:name|id)="([^"]+)"', "\n".join(lines)):
            out.add(a)
        anchors_cache[path] = out
    return anchors_cache[path]


files = [os.path.join(src, f) for f in ("README.md", "ARCHITECTURE.md", "CONTRIBUTING.md")]
files += sorted(glob.glob(os.path.join(src, "docs", "*.md")))
files += sorted(p for p in glob.glob(os.path.join(src, "*", "README.md")) if p not in files and "/build" not in p)
problems, checked = [], 0
for path in files:
    if not os.path.exists(path):
        continue
    rel = os.path.relpath(path, src)
    with open(path, encoding="utf-8") as f:
        lines = strip_code(f.read())
    for n, line in enumerate(lines, 1):
        if re.search(r"\]\(\s*\)", line):
            problems.append(f"{rel}:{n}: a link with no target")
        for target in re.findall(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                continue
            checked += 1
            file_part, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            if not os.path.exists(dest):
                problems.append(f"{rel}:{n}: {target}: no such file {os.path.relpath(dest, src)}")
                continue
            if anchor:
                if not dest.endswith(".md") or os.path.isdir(dest):
                    problems.append(f"{rel}:{n}: {target}: an anchor into a file that is not Markdown")
                elif anchor not in anchors(dest):
                    problems.append(f"{rel}:{n}: {target}: {os.path.relpath(dest, src)} has no heading #{anchor}")
for p in problems:
    print(p)
if not checked:
    problems.append("no relative link found to check")
    print(problems[-1])
if not problems:
    print(f"docs links: {checked} relative links resolve, in {len(files)} files")
sys.exit(1 if problems else 0)
