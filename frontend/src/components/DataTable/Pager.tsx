// Previous / Next over the API's cursors, with the page number.

export type PagerProps = {
  page: number; // 1-based
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
};

export function Pager({ page, hasPrevious, hasNext, onPrevious, onNext }: PagerProps) {
  return (
    <nav className="pager" aria-label="Pages" data-testid="pager">
      <button type="button" className="btn btn-sm" disabled={!hasPrevious} onClick={onPrevious}>
        ← Previous
      </button>
      <span className="page-info" data-testid="page-info">
        Page {page}
      </span>
      <button type="button" className="btn btn-sm" disabled={!hasNext} onClick={onNext}>
        Next →
      </button>
    </nav>
  );
}
