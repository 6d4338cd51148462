"""The interpreter's own word on bytecode, for the differential test (`stale-differential.test.ts`).

Run by each CPython 3.8+ under test, never by the action. Two commands:

  compile  reads a JSON plan on stdin, a list of {"source", "opt", "mode", "prefix"}: compiles
           each source with `py_compile` at optimization level `opt` (0, 1, 2) in invalidation
           mode `mode` (timestamp, checked-hash, unchecked-hash), to the path this interpreter's
           `importlib.util.cache_from_source` gives, with `sys.pycache_prefix` set to `prefix`
           (or None). Prints the JSON list of the files written.

  judge    ROOT PREFIX: for every .pyc/.pyo below ROOT (links not followed), whether this
           interpreter would use it for the source it belongs to, and get that source's code:
           the file must be the one `cache_from_source` names for some source below ROOT, at
           some optimization level, with `sys.pycache_prefix` None or PREFIX (when not empty);
           and its header must pass importlib's own checks (`_classify_pyc`, then
           `_validate_timestamp_pyc`, or for a hash-based file the source hash `_imp.source_hash`
           computes, checked or not). A pytest cache `NAME.TAG-pytest-V.pyc` is judged as pytest
           9 reads it (`_pytest.assertion.rewrite._read_pyc`, used itself when pytest is there):
           the place `cache_from_source` gives NAME.TAG.pyc, this interpreter's magic number,
           flags 0, and the source's mtime and size. A legacy `NAME.pyc` outside `__pycache__`
           is used when the import system's own finder (`FileFinder` with its default loaders)
           picks it for NAME: a sourceless module, whose only code it is. Prints JSON
           {path: true|false}.
"""
import _imp
import importlib.machinery
import importlib.util
import json
import os
import py_compile
import re
import sys
from importlib import _bootstrap_external as bx

MODES = {
    'timestamp': py_compile.PycInvalidationMode.TIMESTAMP,
    'checked-hash': py_compile.PycInvalidationMode.CHECKED_HASH,
    'unchecked-hash': py_compile.PycInvalidationMode.UNCHECKED_HASH,
}
PYTEST = re.compile(r'^(.+)\.([^.]+)-pytest-[^-]+\.py[co]$')


def cache_path(source, opt, prefix):
    sys.pycache_prefix = prefix or None
    try:
        return importlib.util.cache_from_source(source, optimization='' if opt == 0 else opt)
    finally:
        sys.pycache_prefix = None


def compile_plan(plan):
    written = []
    for item in plan:
        cfile = cache_path(item['source'], item['opt'], item['prefix'])
        py_compile.compile(item['source'], cfile=cfile, doraise=True, optimize=item['opt'],
                           invalidation_mode=MODES[item['mode']])
        written.append(cfile)
    return written


def importlib_uses(pyc, source):
    with open(pyc, 'rb') as f:
        data = f.read()
    details = {'name': 'm', 'path': pyc}
    try:
        flags = bx._classify_pyc(data, 'm', details)
    except (ImportError, EOFError):
        return False
    if flags & 0b1:
        with open(source, 'rb') as f:
            return data[8:16] == _imp.source_hash(bx._RAW_MAGIC_NUMBER, f.read())
    st = os.stat(source)
    try:
        # As SourceLoader.get_code passes them: int(path_stats()['mtime']).
        bx._validate_timestamp_pyc(data, int(st.st_mtime), st.st_size, 'm', details)
    except ImportError:
        return False
    return True


def pytest_uses(pyc, source):
    try:
        from pathlib import Path
        from _pytest.assertion.rewrite import _read_pyc
        return _read_pyc(Path(source), Path(pyc)) is not None
    except ImportError:
        pass
    with open(pyc, 'rb') as f:
        data = f.read(16)
    st = os.stat(source)
    return (len(data) == 16 and data[:4] == importlib.util.MAGIC_NUMBER
            and data[4:8] == b'\0\0\0\0'
            and int.from_bytes(data[8:12], 'little') == int(st.st_mtime) & 0xFFFFFFFF
            and int.from_bytes(data[12:16], 'little') == st.st_size & 0xFFFFFFFF)


def sourceless_used(pyc):
    finder = importlib.machinery.FileFinder(os.path.dirname(pyc), *bx._get_supported_file_loaders())
    spec = finder.find_spec(os.path.basename(pyc)[:-len('.pyc')])
    return (spec is not None and spec.origin == pyc
            and isinstance(spec.loader, importlib.machinery.SourcelessFileLoader))


def walk(root):
    for top, dirs, files in os.walk(root):
        for name in files:
            yield os.path.join(top, name)


def judge(root, prefix):
    sources = [p for p in walk(root) if p.endswith('.py')]
    expected = {}
    for source in sources:
        for opt in (0, 1, 2):
            for pre in {None, prefix or None}:
                expected[cache_path(source, opt, pre)] = source
    tag = sys.implementation.cache_tag
    verdicts = {}
    for p in walk(root):
        if os.path.islink(p) or not (p.endswith('.pyc') or p.endswith('.pyo')):
            continue
        name = os.path.basename(p)
        m = PYTEST.match(name)
        if m is not None:
            plain = os.path.join(os.path.dirname(p), m.group(1) + '.' + m.group(2) + '.pyc')
            source = expected.get(plain) if m.group(2) == tag else None
            verdicts[p] = source is not None and pytest_uses(p, source)
        elif name.count('.') == 1 and name.endswith('.pyc') and p not in expected:
            verdicts[p] = sourceless_used(p)
        else:
            source = expected.get(p)
            verdicts[p] = source is not None and importlib_uses(p, source)
    return verdicts


if __name__ == '__main__':
    if sys.argv[1] == 'compile':
        print(json.dumps(compile_plan(json.load(sys.stdin))))
    else:
        print(json.dumps(judge(sys.argv[2], sys.argv[3])))
