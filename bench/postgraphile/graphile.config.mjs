// PostGraphile 5 for the workload benchmark: the Amber preset with simplified inflection,
// over the public schema of the database in DATABASE_URL, on 127.0.0.1:PORT.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import { makePgService } from "postgraphile/adaptors/pg";

export default {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
  pgServices: [
    makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public"] }),
  ],
  grafserv: { port: Number(process.env.PORT), host: "127.0.0.1" },
};
