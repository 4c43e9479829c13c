'use strict';
exports.double = async (n) => n * 2;
