'use strict';
/**
 * Decisions for the parity table (scripts/parity-table.js): every name of the official packages that
 * temporal-native does not export under the same name and kind, keyed `<package>:<name>`, with
 * `status: 'differently'` (and how) or `status: 'refused'` (and why). A name we export needs no entry;
 * one may still be given to add a note (`status: 'supported'`).
 *
 * @type {Record<string, { status: 'supported' | 'differently' | 'refused', why: string }>}
 */
module.exports = {};
