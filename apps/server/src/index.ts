export { type HostSettings, parseHostSettings } from "./host-settings.js";
export * from "./start-platform-server.js";
