// SPDX-License-Identifier: MIT
// EVM contracts for hybridvm's hybrid scenarios: EVM code calling RISC-V contracts and
// being called by them (see relay.c, the RISC-V side). Built by build-sol.sh with solc
// 0.8.37 (npm's solc package) into sol/<Contract>.json.
pragma solidity 0.8.37;

interface IERC20 {
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
    function balanceOf(address who) external view returns (uint256);
}

interface IRelay {
    function callOut(address target, bytes calldata data) external returns (bytes memory);
    function staticOut(address target, bytes calldata data) external returns (bool ok, bytes memory ret);
    function delegateOut(address target, bytes calldata data) external returns (bytes memory);
    function tryCall(address target, bytes calldata data) external returns (bool ok);
    function createOut(bytes calldata initcode) external returns (address);
    function store(uint256 v) external;
    function load() external view returns (uint256);
    function outcome() external view returns (uint256);
}

/// Store is plain EVM storage that RISC-V contracts call, delegate to and re-enter.
contract Store {
    uint256 public value; // slot 0: also what a delegated store(uint256) writes
    uint256 public calls; // slot 1

    event Stored(address indexed by, uint256 value);

    error Failed(uint256 code);

    function set(uint256 v) external {
        value = v;
        calls += 1;
        emit Stored(msg.sender, v);
    }

    function get() external view returns (uint256) {
        return value;
    }

    /// store and load have the relay's selectors, so either kind can delegate to the other.
    function store(uint256 v) external {
        value = v;
    }

    function load() external view returns (uint256) {
        return value;
    }

    /// fail changes storage, then reverts with a custom error.
    function fail(uint256 code) external {
        value = 999;
        revert Failed(code);
    }

    /// whoami shows a frame's context: under DELEGATECALL it is the caller's.
    function whoami() external view returns (address sender, address self, uint256 v) {
        return (msg.sender, address(this), value);
    }

    /// reenter sets 1, has the relay call set(2) back into this contract, checks it saw
    /// the re-entrant write, then sets 3: reentrancy across kinds.
    function reenter(IRelay relay) external {
        value = 1;
        relay.callOut(address(this), abi.encodeCall(this.set, (2)));
        require(value == 2, "reentrant write lost");
        value = 3;
    }

    /// deep calls the relay, which tries target.data and records the outcome; whatever
    /// happened below, this frame carries on and writes 7.
    function deep(IRelay relay, address target, bytes calldata data) external returns (bool ok) {
        ok = relay.tryCall(target, data);
        value = 7;
    }

    /// delegate runs target's code (of either kind) in this contract's context; a failure
    /// bubbles up with its revert data.
    function delegate(address target, bytes calldata data) external returns (bytes memory ret) {
        bool ok;
        (ok, ret) = target.delegatecall(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    /// tryStatic makes a STATICCALL and reports whether it succeeded.
    function tryStatic(address target, bytes calldata data) external view returns (bool ok) {
        (ok,) = target.staticcall(data);
    }
}

/// Router is an EVM contract driving a RISC-V ERC20 and deploying contracts of either kind.
contract Router {
    function pay(IERC20 token, address[] calldata to, uint256[] calldata amounts) external {
        require(to.length == amounts.length, "length mismatch");
        for (uint256 i = 0; i < to.length; i++) {
            require(token.transferFrom(msg.sender, to[i], amounts[i]), "transfer failed");
        }
    }

    function balances(IERC20 token, address[] calldata who) external view returns (uint256[] memory out) {
        out = new uint256[](who.length);
        for (uint256 i = 0; i < who.length; i++) {
            out[i] = token.balanceOf(who[i]);
        }
    }

    /// deploy CREATEs from initcode of either kind (RISC-V initcode starts with 0xFF).
    function deploy(bytes memory initcode) external returns (address a) {
        assembly {
            a := create(0, add(initcode, 32), mload(initcode))
        }
        require(a != address(0), "create failed");
    }

    function deploy2(bytes memory initcode, bytes32 salt) external returns (address a) {
        assembly {
            a := create2(0, add(initcode, 32), mload(initcode), salt)
        }
        require(a != address(0), "create2 failed");
    }
}

/// Pinger recurses through the RISC-V relay: EVM -> RISC-V -> EVM -> ... until a call
/// fails, and returns the depth (in pings) of the deepest ping that ran.
contract Pinger {
    function ping(IRelay relay, uint256 n) external returns (uint256) {
        try relay.callOut(address(this), abi.encodeCall(this.ping, (relay, n + 1))) returns (bytes memory ret) {
            return abi.decode(ret, (uint256));
        } catch {
            return n;
        }
    }
}
