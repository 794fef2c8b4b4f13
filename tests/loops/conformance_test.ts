// Runs the loop conformance suite against the scheduler itself (real clock)
// and against the virtual-time TestLoop.

import { BaseEventLoop, TestLoop } from "../../mod.ts";
import { defineLoopConformance } from "../_conformance.ts";

defineLoopConformance("BaseEventLoop", () => new BaseEventLoop());
defineLoopConformance("TestLoop", () => new TestLoop());
