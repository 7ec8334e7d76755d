import type { Metadata } from "next";
import { TradeOffHistoryView } from "@/components/history/trade-off-history-view";
import { signedInPage } from "@/server/page-session";
import { projectAccess } from "@/server/project-access";

export const metadata: Metadata = { title: "Trade-off history" };

export default async function HistoryPage({ params }: { readonly params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { api } = await signedInPage();
  await projectAccess(api, projectId);
  const timeline = await api.candidate.timeline.query({ projectId });
  return <TradeOffHistoryView projectId={projectId} initial={timeline} />;
}
