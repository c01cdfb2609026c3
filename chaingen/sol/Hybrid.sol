// SPDX-License-Identifier: MIT
// The EVM side of chaingen's hybrid workload: a contract that calls the RISC-V ERC20
// (examples/erc20) and the RISC-V relay (testdata/hybrid/relay.c), and that the relay
// calls back. Written for this project; deployed into the genesis state, so it has no
// constructor. Built apart from Workloads.sol (its own compilation), so that neither
// source changes the other's bytecode.
pragma solidity ^0.8.24;

interface IERC20 {
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

interface IRelay {
    function callOut(address target, bytes calldata data) external returns (bytes memory);
}

// Bridge: pay is EVM -> RISC-V (the token's transferFrom), note is what the RISC-V
// relay calls (RISC-V -> EVM), relayNote is EVM -> RISC-V -> EVM. Storage: slot 0
// notes (the last value each caller noted), slot 1 the number of notes.
contract Bridge {
    mapping(address => uint256) public notes;
    uint256 public count;

    event Noted(address indexed by, address indexed origin, uint256 value);

    function pay(IERC20 token, address to, uint256 value) external {
        require(token.transferFrom(msg.sender, to, value), "transfer failed");
    }

    function note(uint256 value) external {
        notes[msg.sender] = value;
        count += 1;
        emit Noted(msg.sender, tx.origin, value);
    }

    function relayNote(IRelay relay, uint256 value) external {
        relay.callOut(address(this), abi.encodeCall(this.note, (value)));
    }
}
