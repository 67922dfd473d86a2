/**
 * The local Lambda service's one endpoint, as the rest of the project imports it. The server and its
 * routes live in api/ (server.ts dispatches; http.ts, shapes.ts, invoke.ts, mappings.ts, functions.ts,
 * event-invoke-config.ts, control.ts and proxy.ts each do one job); this file names what others use.
 */
export type { LambdaBackend, MappingUpdate, MappingView } from "./api/backend";
export { LambdaApiServer } from "./api/server";
