'use strict';
exports.greet = async (name) => `Hello, ${name}!`;
