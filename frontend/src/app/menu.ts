// The console's pages as the menu lists them (seed 001: Job Management, Failed Images Review,
// Settings…). A page joins the menu when it joins the routes (App.tsx).

export const MENU: readonly { to: string; label: string }[] = [
  { to: "/", label: "Dashboard" },
  { to: "/jobs", label: "Job Management" },
  { to: "/gallery", label: "Gallery" },
  { to: "/failed", label: "Failed Images Review" },
  { to: "/queue", label: "Queue" },
  { to: "/approvals", label: "Approvals" },
  { to: "/new", label: "New job" },
  { to: "/builder", label: "Job Builder" },
  { to: "/settings", label: "Settings" },
];
