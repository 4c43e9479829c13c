'use strict';
exports.shout = async (text) => ({ shouted: text.toUpperCase(), length: text.length });
