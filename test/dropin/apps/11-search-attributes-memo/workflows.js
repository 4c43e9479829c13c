'use strict';
const wf = require('@temporalio/workflow');
const { defineSearchAttributeKey, SearchAttributeType } = require('@temporalio/common');

const customer = defineSearchAttributeKey('DropinCustomer', SearchAttributeType.KEYWORD);
const amount = defineSearchAttributeKey('DropinAmount', SearchAttributeType.INT);
const approve = wf.defineSignal('approve');

exports.invoice = async function invoice() {
  const before = { customer: wf.workflowInfo().typedSearchAttributes.get(customer), memo: wf.workflowInfo().memo };
  let approved = false;
  wf.setHandler(approve, () => void (approved = true));
  wf.upsertSearchAttributes([{ key: amount, value: 1250 }]);
  wf.upsertMemo({ stage: 'awaiting approval' });
  await wf.condition(() => approved);
  wf.upsertMemo({ stage: 'approved' });
  return before;
};
