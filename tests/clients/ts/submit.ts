// A partner's front end, in TypeScript, with the client openapi-generator's
// `typescript-fetch` makes from the live OpenAPI document (in ./client when compiled).
//
//   node dist/submit.js INPUT.json   ->  prints what it read back, as JSON
//
// INPUT.json: {"base": URL, "token": staff API token, "answers": {kind: body},
//              "files": {field: {"path", "name", "type"}}}
import { readFileSync } from "node:fs";

import {
  Configuration,
  FormsApi,
  InternshipSubmissionFromJSON,
  InternshipSubmissionToJSON,
  ListFormsLocaleEnum,
  ResponseError,
  type Accepted,
  type DonationOut,
  type StatusOut,
} from "./client";

interface Input {
  base: string;
  token: string;
  answers: Record<string, Record<string, unknown>>;
  files: Record<string, { path: string; name: string; type: string }>;
}

const KINDS = ["membership", "supporter", "internship", "donation", "newsletter"];

/** A multipart body: each field a part, a multiple choice one part per value, files as Blobs. */
function formData(fields: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (value instanceof File) form.append(key, value, value.name);
    else if (Array.isArray(value)) value.forEach((item) => form.append(key, String(item)));
    else form.append(key, String(value));
  }
  return form;
}

async function main(): Promise<void> {
  const input: Input = JSON.parse(readFileSync(process.argv[2], "utf-8"));
  const forms = new FormsApi(new Configuration({ basePath: input.base }));

  const listed = await forms.listForms({ locale: ListFormsLocaleEnum.En });
  const formIds = new Map(listed.items.map((form) => [form.kind, form.id]));

  const accepted: Record<string, Accepted> = {};
  for (const kind of KINDS) {
    const formId = formIds.get(kind)!;
    const schema = await forms.getFormSchema({ formId });
    const idempotencyKey = `ts-${kind}`;
    if (kind === "internship") {
      // Typed as the InternshipSubmission component says, files as Blobs (File).
      const files = Object.fromEntries(
        Object.entries(input.files).map(([field, file]) => [
          field,
          new File([readFileSync(file.path)], file.name, { type: file.type }),
        ]),
      );
      const application = InternshipSubmissionFromJSON({ ...input.answers[kind], ...files });
      const body = formData({ ...InternshipSubmissionToJSON(application) });
      // The generated method sends JSON; multipart goes in the request it makes, without
      // its Content-Type (fetch sets the multipart boundary).
      accepted[kind] = await forms.submitForm(
        { formId, idempotencyKey, submissionBody: {} },
        async ({ init }) => {
          const headers = { ...(init.headers as Record<string, string>) };
          delete headers["Content-Type"];
          return { body, headers };
        },
      );
    } else {
      const answer = input.answers[kind];
      const unknown = Object.keys(answer).filter((key) => !(key in schema.properties));
      if (unknown.length) throw new Error(`${kind}: not in the schema: ${unknown}`);
      accepted[kind] = await forms.submitForm({ formId, idempotencyKey, submissionBody: answer });
    }
  }

  const gift: DonationOut = await forms.donationStatus({
    token: accepted["donation"].donation!.token,
  });

  const staff = new FormsApi(new Configuration({ basePath: input.base, accessToken: input.token }));
  const reference = accepted["internship"].reference;
  let status: StatusOut = await staff.submissionStatus({ reference });
  const deadline = Date.now() + 60_000;
  while (status.eligibility.outcome == null && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    status = await staff.submissionStatus({ reference });
  }

  let refused: unknown = null;
  try {
    await forms.submissionStatus({ reference });
  } catch (error) {
    if (!(error instanceof ResponseError)) throw error;
    refused = { status: error.response.status, body: await error.response.json() };
  }

  console.log(
    JSON.stringify({
      accepted: Object.fromEntries(
        Object.entries(accepted).map(([kind, answer]) => [
          kind,
          { reference: answer.reference, status: answer.status, typed: typeof answer.reference },
        ]),
      ),
      donation: { status: gift.status, amount: gift.amount, currency: gift.currency, method: gift.method },
      submission: {
        reference: status.reference,
        kind: status.kind,
        status: status.status,
        outcome: status.eligibility.outcome,
        submittedAt: status.submittedAt instanceof Date ? status.submittedAt.toISOString() : null,
      },
      anonymous: refused,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
