import { Badge } from "@mantine/core";

const COLORS: Record<string, string> = {
  queued: "gray",
  running: "blue",
  succeeded: "green",
  failed: "red",
  canceled: "yellow",
};

export function RunStatusBadge({ status }: { readonly status: string }) {
  return (
    <Badge color={COLORS[status] ?? "gray"} variant="light" data-status={status}>
      {status}
    </Badge>
  );
}
