// Compiles Workloads.sol with npm's solc (version pinned by build-sol.sh) into
// <Contract>.json: {compiler, abi, bytecode, deployedBytecode}.
const fs = require('fs');
const solc = require('solc');
const input = {
  language: 'Solidity',
  sources: { 'Workloads.sol': { content: fs.readFileSync('Workloads.sol', 'utf8') } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
let failed = false;
for (const e of out.errors || []) {
  console.error(e.formattedMessage);
  if (e.severity === 'error') failed = true;
}
if (failed) process.exit(1);
for (const [name, c] of Object.entries(out.contracts['Workloads.sol'])) {
  const json = { compiler: 'solc ' + solc.version(), abi: c.abi, bytecode: '0x' + c.evm.bytecode.object, deployedBytecode: '0x' + c.evm.deployedBytecode.object };
  fs.writeFileSync(`${name}.json`, JSON.stringify(json, null, 1) + '\n');
}
