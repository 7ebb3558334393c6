#!/usr/bin/env python3
"""Writes the grantpath(1) man page from the program's own --help output.

usage: gen_man.py BINARY OUT

Every subcommand's --help is read (recursively through the "Subcommands:"
sections), so the page lists exactly the options the program accepts.
"""
import re
import subprocess
import sys


def help_of(binary, path):
    out = subprocess.run([binary] + path + ["--help"], capture_output=True, text=True, check=True).stdout
    return out


def parse(text):
    """Description, usage tail, [(section, [(names, description)])], subcommands."""
    lines = text.splitlines()
    desc = lines[0].strip() if lines else ""
    usage = ""
    sections, subs = [], []
    current = None
    for line in lines[1:]:
        if line.startswith("Usage:"):
            usage = re.sub(r"^Usage: \S+", "", line).strip()
            continue
        m = re.match(r"^(\w[\w ]*):\s*$", line)
        if m:
            current = (m.group(1), [])
            sections.append(current)
            continue
        if current is None or not line.strip():
            continue
        m = re.match(r"^  (\S.*?)(?:\s{2,}(.*))?$", line)
        if m and not line.startswith("    "):
            current[1].append([m.group(1).strip(), (m.group(2) or "").strip()])
        elif current[1]:
            current[1][-1][1] = (current[1][-1][1] + " " + line.strip()).strip()
    for name, items in sections:
        if name == "Subcommands":
            subs = [i[0].split()[0] for i in items]
    return desc, usage, sections, subs


def esc(s):
    s = s.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", s)


def main():
    binary, out = sys.argv[1], sys.argv[2]
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip().split()[-1]
    page = [
        '.TH GRANTPATH 1 "" "grantpath %s" "User Commands"' % version,
        ".SH NAME",
        "grantpath \\- who can do too much, and what can reach what it should not",
        ".SH SYNOPSIS",
        ".B grantpath",
        ".I command",
        "[\\fIoptions\\fR] \\fIpath\\fR...",
        ".SH DESCRIPTION",
        "grantpath reads exported Kubernetes, AWS IAM and network configuration offline, "
        "reports principals with admin-equivalent or dangerous powers and network paths that "
        "should not exist, and proves each finding with a witness and the file, line and "
        "column of every object involved.",
        ".SH COMMANDS",
    ]
    queue = [[]]
    while queue:
        path = queue.pop(0)
        desc, usage, sections, subs = parse(help_of(binary, path))
        queue.extend([path + [s] for s in subs])
        if not path:
            continue
        page.append(".SS " + esc("grantpath " + " ".join(path)))
        page.append(esc(desc))
        if usage:
            page.append(".PP")
            page.append("\\fBgrantpath " + esc(" ".join(path)) + "\\fR " + esc(usage.split(" ", len(path))[-1]))
        for name, items in sections:
            if name == "Subcommands" or not items:
                continue
            for names, text in items:
                if names.startswith("-h,--help"):
                    continue
                page.append(".TP")
                page.append("\\fB" + esc(names) + "\\fR")
                page.append(esc(text))
    page += [
        ".SH EXIT STATUS",
        ".TP", "0", "No finding at or above \\-\\-fail\\-on (or the query's answer as expected).",
        ".TP", "1", "A finding at or above \\-\\-fail\\-on, a check that fails, or an answer other than \\-\\-expect.",
        ".TP", "2", "A usage error, a missing input path, a configuration error, or nothing to analyze.",
        ".TP", "3", "An AWS question the solver could not decide.",
        ".SH FILES",
        ".TP", "\\&.grantpath.yaml",
        "Rule settings, excluded paths, accepted findings and option defaults; found by walking up "
        "from each scanned path to the repository root.",
        ".SH SEE ALSO",
        "The documentation in /usr/share/doc/grantpath/ (README.md and docs/).",
    ]
    with open(out, "w") as f:
        f.write("\n".join(page) + "\n")


if __name__ == "__main__":
    main()
