// Package trust: signature policy, verification against the trust store, and the hub's signed receipts.
export {};
