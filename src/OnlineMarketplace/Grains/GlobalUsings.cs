global using Marketplace.Contracts.Catalog;
global using Marketplace.Contracts.Common;
global using Marketplace.Contracts.Inventory;
global using Orleans;
global using Orleans.Runtime;
