// The HTTP edge's public face: build the server (tests inject), or start it (the CLI's `serve`).
export { buildServer, type BuildServerOptions, type ServedParts } from './server.ts';
export { startServer, isLoopbackHost, checkTokenStrength, InsecureBindError, type StartServerOptions, type RunningServer } from './start.ts';
export { actorOfToken, ANONYMOUS, REASON_HEADER } from './auth.ts';
export { ApiRequestError, classify, toHttp, type Failure, type FailureKind } from './errors.ts';
