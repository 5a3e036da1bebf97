// What a list says when it has nothing to show, and what to do about it.

import type { ReactNode } from "react";

type Props = { title: string; children?: ReactNode; testId?: string };

export function EmptyState({ title, children, testId = "empty-state" }: Props) {
  return (
    <div className="empty" data-testid={testId}>
      <p className="empty-title">{title}</p>
      {children ? <p>{children}</p> : null}
    </div>
  );
}
