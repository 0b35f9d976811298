#!/usr/bin/python3
"""Every default the README and the manual state for a command-line flag is the one `--help` shows.

Usage: readme_defaults_check.py SOURCE_DIR|FILE.md... OCIMIRROR_BINARY
A SOURCE_DIR stands for its README.md and docs/*.md. A table row `| \`--flag ...\` | ... (default \`X\`) |` (or
`...; default \`X\`)`) is checked against the `(=X)` that `ocimirror COMMAND --help` prints for --flag, over every
command; a flag the documentation gives a default for and no command knows, or a different default, is an error
naming the file and line.
"""
import glob
import os
import re
import subprocess
import sys

*paths, binary = sys.argv[1:]
docs = []  # (path, the name messages give it)
for p in paths:
    if os.path.isdir(p):
        for f in [os.path.join(p, "README.md")] + sorted(glob.glob(os.path.join(p, "docs", "*.md"))):
            docs.append((f, os.path.relpath(f, p)))
    else:
        docs.append((p, p))
top = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
commands = re.findall(r"^  ([a-z]+)\b", top.split("Commands:")[1].split("\n\n")[0], re.M)
helps = {}
for c in commands:
    text = subprocess.run([binary, c, "--help"], capture_output=True, text=True).stdout
    # program_options wraps descriptions: only the option column matters here.
    for m in re.finditer(r"^  (?:-\w \[ )?--([a-z][a-z0-9-]*)(?: \])? arg \(=([^)]*)\)", text, re.M):
        helps.setdefault(m.group(1), {})[c] = m.group(2)
problems, checked = [], 0
for doc, name in docs:
    for n, line in enumerate(open(doc, encoding="utf-8"), 1):
        row = re.match(r"^\| `--([a-z][a-z0-9-]*)[^|]*\|(.*)\|\s*$", line)
        if not row:
            continue
        default = re.search(r"default `([^`]+)`", row.group(2))
        if not default:
            continue
        flag, want = row.group(1), default.group(1)
        if flag not in helps:
            problems.append(f"{name}:{n}: --{flag} has a default in the documentation but no command's --help shows one")
            continue
        checked += 1
        for c, got in sorted(helps[flag].items()):
            if got != want:
                problems.append(f"{name}:{n}: --{flag} defaults to `{want}` in the documentation but `{got}` in "
                                f"`{c} --help`")
for p in problems:
    print(p)
if not checked:
    problems.append(f"no documented default was found to check in {len(docs)} files")
    print(problems[-1])
print(f"documented defaults: {checked} flags checked against --help, in {len(docs)} files" if not problems else "",
      end="")
sys.exit(1 if problems else 0)
