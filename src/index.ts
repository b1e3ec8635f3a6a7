// Public library API.
export { FerryError, ErrorCode, isFerryError } from './errors.js';
export type { ErrorCode as ErrorCodeType } from './errors.js';
export { configSchema } from './config/schema.js';
export type { FerryConfig } from './config/schema.js';
export type * from './engine/types.js';
export { runStateSchema, eventSchema, resultBaseSchema } from './engine/schemas.js';
export { FILE_SCHEMAS, jsonSchemas, redeployResultSchema } from './schemas.js';
export { releaseResultSchema } from './release/result.js';
export { openRun, writeResult } from './engine/run.js';
export type { EngineOptions, PipelineSpec } from './engine/run.js';
