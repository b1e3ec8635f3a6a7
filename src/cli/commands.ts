// Every command ferry lists. Each module is tiny; heavy code is imported inside its action.
import type { Register } from './context.js';
import { register as init } from './init.js';
import { register as config } from './config.js';
import { register as runs } from './runs.js';
import { register as release } from './release.js';
import { register as selftest } from './selftest.js';
import { register as mcp } from './mcp.js';
import { register as dashboard } from './dashboard.js';
import { register as deploy } from './deploy.js';
import { register as redeploy } from './redeploy.js';
import { register as pins } from './pins.js';
import { register as stage } from './stage.js';
import { register as promote } from './promote.js';
import { register as selfDeploy } from './self-deploy.js';
import { register as finalize } from './finalize.js';
import { register as demo } from './demo.js';
import { register as explain } from './explain.js';
import { register as completion } from './completion.js';

export const COMMANDS: Register[] = [
  init,
  config,
  release,
  redeploy,
  pins,
  deploy,
  stage,
  promote,
  selfDeploy,
  finalize,
  runs,
  dashboard,
  mcp,
  explain,
  completion,
  demo,
  selftest,
];
