// The top bar: brand, main navigation, where the console runs, and "New job".

import { NavLink, useNavigate } from "react-router";

import { useApprovalCount } from "../queries/useApprovals";
import { useHealth } from "../queries/useHealth";
import { MainMenu } from "./MainMenu";

export function Header({ signedIn = true }: { signedIn?: boolean }) {
  const health = useHealth();
  const endpoint = signedIn ? health.data?.aws_endpoint : null;
  return (
    <header className="topbar">
      <div className="topbar-inner">
        <a className="brand" href="#/" aria-label="Image Factory, dashboard">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Image Factory</span>
        </a>
        {signedIn ? <MainNav /> : null}
        <span className="topbar-spacer" />
        {endpoint ? (
          <span className="env-pill" title={`Offline stack, AWS endpoint ${endpoint}`}>
            Local stack
          </span>
        ) : null}
        {signedIn ? <MainMenu /> : null}
        {signedIn ? (
          <NewJobButton />
        ) : (
          <button type="button" className="btn btn-primary" data-testid="new-job" disabled>
            New job
          </button>
        )}
      </div>
    </header>
  );
}

function MainNav() {
  return (
    <nav className="nav" aria-label="Main">
      <NavLink to="/" end>
        Dashboard
      </NavLink>
      <NavLink to="/jobs">Jobs</NavLink>
      <NavLink to="/gallery">Gallery</NavLink>
      <NavLink to="/failed">Failed images</NavLink>
      <NavLink to="/queue">Queue</NavLink>
      <NavLink to="/approvals">
        Approvals <InboxBadge />
      </NavLink>
    </nav>
  );
}

/** How many jobs wait for approval, live (the WebSocket's `inbox` messages). */
function InboxBadge() {
  const count = useApprovalCount().data?.count ?? 0;
  return count ? (
    <span className="badge badge-inbox" data-testid="inbox-badge" aria-label={`${count} waiting for approval`}>
      {count}
    </span>
  ) : null;
}

function NewJobButton() {
  const navigate = useNavigate();
  return (
    <button type="button" className="btn btn-primary" data-testid="new-job" onClick={() => navigate("/new")}>
      New job
    </button>
  );
}
