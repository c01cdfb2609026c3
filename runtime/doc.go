// Package runtime is hybridvm's kind-agnostic call and create core, and its
// transaction processing.
//
// A Runtime implements host.Host over any host.StateDB: engines (the EVM
// interpreter, the RISC-V machine) run one frame each and call back into
// Runtime.Call for every nested CALL, CALLCODE, DELEGATECALL, STATICCALL, CREATE and
// CREATE2. Call does, in go-ethereum's order, what happens around a frame: the
// depth and balance checks, the snapshot, the EIP-158 rules for accounts that do
// not exist, the value transfer, the precompiles (go-ethereum's implementations),
// the resolution of EIP-7702 delegations, the choice of engine by the code's first
// byte (0xFF = RISC-V when a RISC-V engine is configured, anything else = EVM),
// the revert on failure, and for creates the nonce, the new address, the collision
// rule, and the code checks and deposit after the initcode returned.
//
// What the calling engine does before it calls Call is not repeated here: the
// caller-side gas (memory, warm/cold access, value and new-account costs, the
// 63/64 rule, the stipend) and the static-frame checks.
//
// ApplyTransaction runs a whole transaction (validation, intrinsic gas, gas
// purchase, access-list warming, EIP-7702 authorizations, the top-level frame,
// refunds, fee payment) against a state that also implements TxStateDB.
//
// A Runtime is used by one goroutine at a time and can run any number of
// transactions in a row; engines are shared between runtimes.
//
// runtime imports only host from the project, plus go-ethereum's exported
// precompiles, types, params and crypto; tests also use evm and state. The engines
// live in their own packages (evm, riscvengine), so a user of EVM code only, such as
// statetest, links neither the RISC-V interpreter nor the JIT.
package runtime
