/**
 * The two servers a conformance file compares: our embedded dev server and the real Temporal server
 * (Temporal CLI `server start-dev`, from test/support/real-server.ts), both with the namespaces and
 * search attributes the scenarios use.
 */
import { startTestServer, type TestServer, type TestServerKind } from '../../support/real-server';

export type ServerKind = TestServerKind;
export type { TestServer };

/** Custom search attributes every conformance server has (the real dev server predefines none). */
export const SEARCH_ATTRIBUTES = {
  ConfKeyword: 'Keyword',
  ConfText: 'Text',
  ConfInt: 'Int',
  ConfDouble: 'Double',
  ConfBool: 'Bool',
  ConfDatetime: 'Datetime',
  ConfKeywordList: 'KeywordList',
} as const;

/** A second namespace, for the scenarios that need one besides `default`. */
export const OTHER_NAMESPACE = 'conformance-other';

/** Starts one server of `kind` with the conformance namespaces and search attributes. */
export function startServer(kind: ServerKind): Promise<TestServer> {
  return startTestServer(kind, { namespaces: [OTHER_NAMESPACE], searchAttributes: { ...SEARCH_ATTRIBUTES }, quiet: true });
}
