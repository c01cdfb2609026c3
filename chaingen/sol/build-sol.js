// Compiles each *.sol here with npm's solc (version pinned by build-sol.sh), one
// compilation per source, into <Contract>.json: {compiler, abi, bytecode,
// deployedBytecode}.
const fs = require('fs');
const solc = require('solc');
let failed = false;
for (const file of fs.readdirSync('.').filter((f) => f.endsWith('.sol')).sort()) {
  const input = {
    language: 'Solidity',
    sources: { [file]: { content: fs.readFileSync(file, 'utf8') } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  for (const e of out.errors || []) {
    console.error(e.formattedMessage);
    if (e.severity === 'error') failed = true;
  }
  if (failed) process.exit(1);
  for (const [name, c] of Object.entries(out.contracts[file])) {
    if (!c.evm.bytecode.object) continue; // an interface
    const json = { compiler: 'solc ' + solc.version(), abi: c.abi, bytecode: '0x' + c.evm.bytecode.object, deployedBytecode: '0x' + c.evm.deployedBytecode.object };
    fs.writeFileSync(`${name}.json`, JSON.stringify(json, null, 1) + '\n');
  }
}
