// The entry point action.yml runs for the main step and for the post step; everything happens in
// run() or runPost(), which never throw.
import * as core from '@actions/core'
import { State } from './constants.js'
import { run, runPost } from './main.js'

// The main step saves this state first thing; the runner hands it to the post step only.
if (core.getState(State.IsPost) === 'true') await runPost()
else await run()
