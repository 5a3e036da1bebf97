import { act, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter, useLocation, useNavigate } from "react-router";
import { describe, expect, it } from "vitest";

import { useTableURLState, type TableURLState } from "./useTableURLState";

const DEFAULTS = { q: "", job_id: "", status: "" };
let state: TableURLState<keyof typeof DEFAULTS>;

function Probe() {
  state = useTableURLState(DEFAULTS);
  const location = useLocation();
  return (
    <>
      <output data-testid="filters">{JSON.stringify(state.filters)}</output>
      <output data-testid="search">{location.search}</output>
    </>
  );
}

function renderAt(path: string) {
  render(
    <MemoryRouter initialEntries={[path]}>
      <Probe />
    </MemoryRouter>,
  );
  return { search: () => screen.getByTestId("search").textContent };
}

describe("useTableURLState", () => {
  it("keeps every change made before the page re-renders (a search cleared, then a job chosen)", async () => {
    const url = renderAt("/gallery?q=lagoon");
    act(() => {
      state.setFilters({ q: "" });
      state.setFilters({ job_id: "j1" });
    });
    await waitFor(() => expect(url.search()).toBe("?job_id=j1"));
    expect(JSON.parse(screen.getByTestId("filters").textContent ?? "{}")).toEqual({ q: "", job_id: "j1", status: "" });
  });

  it("changing a filter goes back to the first page; Previous walks the cursor trail back", async () => {
    const url = renderAt("/gallery?status=approved");
    act(() => state.nextPage("c1"));
    await waitFor(() => expect(state.page).toBe(2));
    act(() => state.nextPage("c2"));
    await waitFor(() => expect(state.cursor).toBe("c2"));
    act(() => state.previousPage());
    await waitFor(() => expect(state.cursor).toBe("c1"));
    act(() => state.setFilters({ q: "fox" }));
    await waitFor(() => expect(url.search()).toBe("?status=approved&q=fox"));
    expect(state.page).toBe(1);
  });

  it("after Back, a change starts from the page Back showed", async () => {
    let go: (delta: number) => void = () => undefined;
    function Back() {
      const navigate = useNavigate();
      go = (delta) => void navigate(delta);
      return null;
    }
    render(
      <MemoryRouter initialEntries={["/gallery?q=fox"]}>
        <Probe />
        <Back />
      </MemoryRouter>,
    );
    const search = () => screen.getByTestId("search").textContent;
    act(() => state.setFilters({ status: "approved" }));
    await waitFor(() => expect(search()).toBe("?q=fox&status=approved"));
    act(() => go(-1));
    await waitFor(() => expect(search()).toBe("?q=fox"));
    act(() => state.setFilters({ job_id: "j2" }));
    await waitFor(() => expect(search()).toBe("?q=fox&job_id=j2"));
  });
});
