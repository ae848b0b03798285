global using Marketplace.Contracts.Catalog;
global using Marketplace.Contracts.Common;
