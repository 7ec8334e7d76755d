/**
 * Where the dashboard's server side reaches the Deadweight API. The platform's host sets it to its
 * own loopback address before it starts the dashboard; a dashboard run on its own (`next dev` or
 * `next start` in apps/web) needs it set to a running server, e.g. DEADWEIGHT_API_URL=http://127.0.0.1:4100.
 */
export function apiUrl(): string {
  const url = process.env.DEADWEIGHT_API_URL;
  if (url === undefined || url === "") {
    throw new Error(
      "DEADWEIGHT_API_URL is not set: the dashboard calls the Deadweight API over HTTP. Start the platform with `npm start` (or `deadweight platform`), or set DEADWEIGHT_API_URL to a running server's URL",
    );
  }
  return url.replace(/\/+$/, "");
}
