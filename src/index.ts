// The entry point action.yml runs: everything happens in run(), which never throws.
import { run } from './main.js'

await run()
