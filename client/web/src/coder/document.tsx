// The document view: the text, its segments, the coder's codings.
import type { RouteProps } from "../router";
import { PageHeading } from "../components/ui";

export function DocumentView({ params }: RouteProps) {
  return <PageHeading>Document {params.document}</PageHeading>;
}
