/** Typed search-attribute keys shared by the phase-2 workflows and tests (the dev server predefines both). */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const customKeyword = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);
export const customInt = defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT);
