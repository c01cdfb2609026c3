// SPDX-License-Identifier: MIT
// Contracts for hybridvm's generated workload chains (chaingen). Written for this
// project; deployed into the genesis state with their storage pre-set, so they have no
// constructors.
pragma solidity ^0.8.24;

// Token is a plain ERC20: balances at slot 0, allowances at slot 1, supply at slot 2.
contract Token {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    uint256 public totalSupply;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 a = allowance[from][msg.sender];
        if (a != type(uint256).max) {
            require(a >= value, "allowance");
            allowance[from][msg.sender] = a - value;
        }
        _move(from, to, value);
        return true;
    }

    function _move(address from, address to, uint256 value) internal {
        uint256 b = balanceOf[from];
        require(b >= value, "balance");
        unchecked {
            balanceOf[from] = b - value;
        }
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}

// Pool is a constant-product market of two Tokens (x * y = k, 0.3% fee). Reserves at
// slots 0 and 1, the tokens at slots 2 and 3. Swappers approve it in the genesis.
contract Pool {
    uint256 public reserve0;
    uint256 public reserve1;
    Token public token0;
    Token public token1;

    event Swap(address indexed who, bool zeroForOne, uint256 amountIn, uint256 amountOut);

    function swap(bool zeroForOne, uint256 amountIn, uint256 minOut) external returns (uint256 out) {
        (Token tin, Token tout, uint256 rin, uint256 rout) =
            zeroForOne ? (token0, token1, reserve0, reserve1) : (token1, token0, reserve1, reserve0);
        uint256 inFee = amountIn * 997;
        out = (inFee * rout) / (rin * 1000 + inFee);
        require(out >= minOut && out > 0, "slippage");
        require(tin.transferFrom(msg.sender, address(this), amountIn), "in");
        require(tout.transfer(msg.sender, out), "out");
        if (zeroForOne) {
            reserve0 = rin + amountIn;
            reserve1 = rout - out;
        } else {
            reserve1 = rin + amountIn;
            reserve0 = rout - out;
        }
        emit Swap(msg.sender, zeroForOne, amountIn, out);
    }
}

// Collectible is a minimal ERC721-style collection: anyone mints the next id.
contract Collectible {
    mapping(uint256 => address) public ownerOf;
    mapping(address => uint256) public balanceOf;
    uint256 public totalSupply;

    event Transfer(address indexed from, address indexed to, uint256 indexed id);

    function mint() external returns (uint256 id) {
        id = ++totalSupply;
        ownerOf[id] = msg.sender;
        balanceOf[msg.sender] += 1;
        emit Transfer(address(0), msg.sender, id);
    }
}

// Ledger writes storage: each call sets n fresh slots of the caller's row.
contract Ledger {
    mapping(address => mapping(uint256 => uint256)) public cell;
    mapping(address => uint256) public next;

    function write(uint256 n, uint256 value) external {
        uint256 i = next[msg.sender];
        uint256 end = i + n;
        for (; i < end; i++) {
            cell[msg.sender][i] = value ^ i;
        }
        next[msg.sender] = end;
    }
}

// Counter is the small contract the deploy workload creates again and again.
contract Counter {
    uint256 public count = 1;

    function bump() external {
        count += 1;
    }
}
