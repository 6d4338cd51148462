/**
 * Decides whether a legacy `NAME.pyc` (outside `__pycache__`) is a sourceless module: with no
 * `NAME.py` beside it (or `NAME.pyw`, on Windows), Python imports the `.pyc` itself (importlib's
 * SourcelessFileLoader) and nothing can rebuild it, so removing it breaks the import. A `.pyo`
 * never is one (Python 3 does not import `.pyo` files), and a `.pyc` beside its source is only a
 * cache Python 3 never reads. Inside `__pycache__` Python never imports a file without its
 * source, so this rule does not apply there.
 *
 * Only a module name can be one: a stem with a dot (`mod.cpython-312.pyc`, as a
 * PYTHONPYCACHEPREFIX tree or a copied `__pycache__` holds them) is no name `import` finds.
 *
 * `has` answers whether the directory holds a file of that name (from the listing in hand).
 */
export function isSourceless(
  name: string,
  has: (name: string) => boolean,
  platform: NodeJS.Platform = process.platform
): boolean {
  if (!name.endsWith('.pyc')) return false
  const stem = name.slice(0, -'.pyc'.length)
  if (stem === '' || stem.includes('.') || has(`${stem}.py`)) return false
  // `.pyw` is a source suffix only on Windows (importlib's SOURCE_SUFFIXES): elsewhere Python
  // imports `NAME.pyc` beside a `NAME.pyw`, as a sourceless module.
  return platform !== 'win32' || !has(`${stem}.pyw`)
}

/** Why a sourceless module stays, for the log and the report. */
export const SOURCELESS_REASON =
  "sourceless module: no .py beside it, so Python imports the .pyc and cannot rebuild it ('keep-sourceless' is true)"
