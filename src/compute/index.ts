export { initBackend, device, backendNames, tf } from "./backend.js";
export type { BackendName, BackendAttempt, DeviceInfo } from "./backend.js";
export { rng } from "./rng.js";
export type { Rng } from "./rng.js";
export { liveTensors, readScalar, readTensors, withTensorCheck } from "./memory.js";
export { UsageError } from "./usageError.js";
