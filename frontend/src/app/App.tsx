// The app: query cache, toasts, sign-in gate and the hash routes. One route per page; a page
// that does not exist yet is not routed (it answers "Page not found").

import { QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { createHashRouter, RouterProvider } from "react-router";

import { forgetToken, getToken, UNAUTHORIZED_EVENT } from "../api/auth";
import { ToastProvider } from "../components/Toasts";
import { DashboardPage } from "../pages/dashboard/DashboardPage";
import { FailedImagesPage } from "../pages/failed/FailedImagesPage";
import { GalleryPage } from "../pages/gallery/GalleryPage";
import { JobPage } from "../pages/job/JobPage";
import { JobsPage } from "../pages/jobs/JobsPage";
import { BuilderPage } from "../pages/builder/BuilderPage";
import { NewJobPage } from "../pages/new/NewJobPage";
import { ApprovalsPage } from "../pages/approvals/ApprovalsPage";
import { QueuePage } from "../pages/queue/QueuePage";
import { SettingsPage } from "../pages/settings/SettingsPage";
import { Layout } from "./Layout";
import { NotFound } from "./NotFound";
import { makeQueryClient } from "./queryClient";
import { SignIn } from "./SignIn";

export const routes = [
  {
    path: "/",
    element: <Layout />,
    children: [
      { index: true, element: <DashboardPage /> },
      { path: "dashboard", element: <DashboardPage /> },
      { path: "jobs", element: <JobsPage /> },
      { path: "jobs/:jobId", element: <JobPage /> },
      { path: "new", element: <NewJobPage /> },
      { path: "gallery", element: <GalleryPage /> },
      { path: "failed", element: <FailedImagesPage /> },
      { path: "queue", element: <QueuePage /> },
      { path: "approvals", element: <ApprovalsPage /> },
      { path: "settings", element: <SettingsPage /> },
      { path: "builder", element: <BuilderPage /> },
      { path: "*", element: <NotFound /> },
    ],
  },
];

const router = createHashRouter(routes);
const queryClient = makeQueryClient();

export function App() {
  const [signedIn, setSignedIn] = useState(() => Boolean(getToken()));
  const [rejected, setRejected] = useState(false);
  useEffect(() => {
    const onUnauthorized = () => {
      forgetToken();
      queryClient.clear();
      setRejected(true);
      setSignedIn(false);
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, []);
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>{signedIn ? <RouterProvider router={router} /> : <SignIn rejected={rejected} />}</ToastProvider>
    </QueryClientProvider>
  );
}
