// The round's documents, with the coder's progress on each.
import type { RouteProps } from "../router";
import { PageHeading } from "../components/ui";

export function RoundDocuments({ params }: RouteProps) {
  return <PageHeading>Round {params.round}</PageHeading>;
}
