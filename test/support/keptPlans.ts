// A connection that reads the plans it runs, for tests of the plans database functions keep per
// connection: auto_explain logs every statement's plan, nested ones (a PL/pgSQL function's own
// query) included, and sends it to this connection as a notice. PostgreSQL only.
import { Client } from "pg";

export interface PlanReader {
  /** Runs `text` as a named statement; answers its rows and the plan of the nested query containing `marker`. */
  run(name: string, text: string, values: unknown[], marker: string): Promise<{ rows: Array<Record<string, unknown>>; plan: string }>;
  end(): Promise<void>;
}

export async function planReader(url: string): Promise<PlanReader> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const notices: string[] = [];
  client.on("notice", (n) => notices.push(n.message ?? ""));
  await client.query(`LOAD 'auto_explain'`);
  await client.query(`SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = notice; SET client_min_messages = notice`);
  return {
    async run(name, text, values, marker) {
      notices.length = 0;
      const { rows } = await client.query({ name, text, values });
      const plan = notices.find((n) => n.includes(marker));
      if (!plan) throw new Error(`no plan of the function's query among ${notices.length} notices`);
      return { rows, plan };
    },
    end: () => client.end(),
  };
}
