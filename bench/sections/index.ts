/** The benchmark's measured sections, in run order. Each returns a JSON-able result. */
import type { Db } from "../../lib/server/db";
import type { RawSql } from "../baseline";
import type { DatasetSpec } from "../dataset";
import { breakdownsSection } from "./breakdowns";
import { exportsSection } from "./exports";
import { forecastSection } from "./forecast";
import { httpSection } from "./http";
import { limitsSection } from "./limits";
import { overviewSection } from "./overview";
import { pagesSection } from "./pages";
import { simulatorSection } from "./simulator";

export interface BenchContext {
  db: Db;
  url: string;
  raw: RawSql;
  workspaceId: string;
  spec: DatasetSpec;
  small: boolean;
  log: (line: string) => void;
}

export interface Section {
  name: string;
  run(ctx: BenchContext): Promise<unknown>;
}

export const SECTIONS: Section[] = [
  overviewSection,
  breakdownsSection,
  limitsSection,
  exportsSection,
  httpSection,
  pagesSection,
  simulatorSection,
  forecastSection,
];
