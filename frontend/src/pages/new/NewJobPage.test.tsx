import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { fakeApi } from "../../test/fakeApi";
import { renderWithApp } from "../../test/render";
import { NewJobPage } from "./NewJobPage";

afterEach(() => vi.unstubAllGlobals());

test("the API's refusal is shown at the field it names, and the form keeps what was typed", async () => {
  const api = fakeApi({
    "POST /api/jobs": () => ({
      status: 400,
      body: { error: { code: "invalid_input", message: "generations must be an integer from 1 to 2500", field: "generations" } },
    }),
  });
  renderWithApp(<NewJobPage />);
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Keywords"), "red fox");
  await user.clear(screen.getByLabelText("Generations"));
  await user.type(screen.getByLabelText("Generations"), "0");
  await user.click(screen.getByRole("button", { name: "Start job" }));

  expect(await screen.findByTestId("error-generations")).toHaveTextContent("from 1 to 2500");
  expect(screen.getByLabelText("Generations")).toHaveAttribute("aria-invalid", "true");
  expect(screen.getByLabelText("Generations")).toHaveValue(0);
  expect(screen.queryByTestId("form-error")).toBeNull();
  const starts = () => api.requests.filter((request) => request.path === "/api/jobs"); // not the estimates
  await waitFor(() => expect(starts()).toHaveLength(1));
  expect(starts()[0]!.body).toMatchObject({ config: { keywords: ["red fox"], generations: 0 } });
});

test("an error in the advanced JSON is shown there before anything is sent", async () => {
  const api = fakeApi({});
  renderWithApp(<NewJobPage />);
  const user = userEvent.setup();
  await user.click(screen.getByText("Advanced JSON"));
  await user.type(screen.getByLabelText("Extra configuration (JSON object)"), "[[1]");
  await user.click(screen.getByRole("button", { name: "Start job" }));
  expect(await screen.findByTestId("error-advanced")).toHaveTextContent("must be an object");
  expect(api.requests.filter((request) => request.path !== "/api/jobs/estimate")).toHaveLength(0);
});
