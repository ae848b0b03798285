global using Marketplace.Contracts.Catalog;
global using Marketplace.Contracts.Common;
global using Marketplace.Contracts.Promotions;
