using Marketplace.Demo.Imaging;

namespace Marketplace.Demo;

// The stores and the word lists their products are combined from. Names, places, people and addresses are made up;
// web sites and emails use the reserved .example domain, US phone numbers the 555-01xx range kept for fiction.
public static partial class DemoCatalog
{
    private static readonly Dictionary<string, Rgb> Colours = new(StringComparer.Ordinal)
    {
        ["Negro"] = Rgb.Parse("#2b2b2b"),
        ["Blanco"] = Rgb.Parse("#f2f0ea"),
        ["Cobre"] = Rgb.Parse("#b87333"),
        ["Crudo"] = Rgb.Parse("#efe6d6"),
        ["Gris"] = Rgb.Parse("#8a8d91"),
        ["Café"] = Rgb.Parse("#6b4a32"),
        ["Burdeo"] = Rgb.Parse("#6d2333"),
        ["Mostaza"] = Rgb.Parse("#c9a23a"),
        ["Azul"] = Rgb.Parse("#2f5d8a"),
        ["Verde"] = Rgb.Parse("#4f7a4a"),
        ["Black"] = Rgb.Parse("#2b2b2b"),
        ["Slate"] = Rgb.Parse("#5b6770"),
        ["Forest"] = Rgb.Parse("#2f5a3a"),
        ["Rust"] = Rgb.Parse("#b5482f"),
        ["Navy"] = Rgb.Parse("#22344f"),
        ["Chestnut"] = Rgb.Parse("#7b4a2a"),
        ["Tan"] = Rgb.Parse("#b98552"),
        ["Oxblood"] = Rgb.Parse("#5a1f1f"),
    };

    private static readonly StoreSpec[] Specs =
    [
        CafeAna(),
        TejidosDelSur(),
        GredaViva(),
        LibreriaLaPluma(),
        AlmacenLasHojas(),
        SummitTrail(),
        SaddleAndStitch(),
        LittleOakToys(),
    ];

    /// <summary>Chile's IVA, included in the prices of the Chilean stores (19 %, in parts per million).</summary>
    private const int ChileanVat = 190_000;

    private static StoreSpec CafeAna() => new(
        "cafe-ana", "ANA", "ana@demo.marketplace.local", "Ana",
        new StoreDraft("Café Ana",
            "Café de especialidad tostado cada semana en el Cerro Alegre de Valparaíso. Granos de origen único, molienda a " +
            "pedido y todo lo necesario para prepararlo en casa.",
            RequiresConfirmation: true, "CLP",
            Contact: new StoreContact("hola@cafeana.example", null, "https://cafeana.example", "Templeman 520, Cerro Alegre", "Valparaíso", "Chile", null), TaxRatePpm: ChileanVat),
        new Palette(["#f3e9dc", "#eadbc8", "#f5efe6", "#e9e1d3"], ["#6b4a32", "#3e2a1e", "#8c5a3c", "#a0522d", "#2f4f4f"],
            ["#f4d9a8", "#e9c46a", "#fefaf0", "#d8b48a"]),
        Logo(Motif.Mug, "#f3e9dc", "#6b4a32", "#f4d9a8"),
        [
            "Despachamos a todo Chile; en Valparaíso y Viña del Mar entregamos en 24 horas.",
            "Las compras sobre $30.000 tienen despacho gratis a todo Chile.",
            "Si tienes dudas sobre la molienda, escríbenos y te ayudamos a elegir.",
        ],
        [
            (new ProductDraft("Café de Colombia 250 g",
                "Café de Huila, Colombia, de tueste medio. Dulce y redondo, con notas de panela y cacao: nuestro café de todos los días.",
                "coffee", "CLP", 8990, ProductStatus.Published, [new VariantDraft("CAFE-COL-250", new Dictionary<string, string>(), null, 40)],
                new Dictionary<string, string> { ["origen"] = "Huila, Colombia", ["tueste"] = "medio", ["notas"] = "panela y cacao" }), Motif.Bag),
            (new ProductDraft("Café de Etiopía 250 g",
                "Café de Yirgacheffe, Etiopía, de proceso lavado y tueste claro. Floral y brillante, con notas de jazmín y limón; ideal " +
                "para métodos de filtro.",
                "coffee", "CLP", 10990, ProductStatus.Published, [new VariantDraft("CAFE-ETH-250", new Dictionary<string, string>(), null, 25)],
                new Dictionary<string, string> { ["origen"] = "Yirgacheffe, Etiopía", ["tueste"] = "claro", ["notas"] = "jazmín y limón" }), Motif.Bag),
        ],
        [
            new Line("coffee", Motif.Bag, "Café {item} {style}",
                [
                    new("Huila", 9990, "Colombia"), new("Nariño", 10490, "Colombia"), new("Cauca", 9490, "Colombia"),
                    new("Yirgacheffe", 11990, "Etiopía"), new("Guji", 12490, "Etiopía"), new("Cajamarca", 8990, "Perú"),
                    new("Chanchamayo", 8490, "Perú"), new("Cerrado Mineiro", 7990, "Brasil"), new("Antigua", 10990, "Guatemala"),
                    new("Huehuetenango", 11490, "Guatemala"), new("Tarrazú", 11990, "Costa Rica"), new("Nyeri", 13990, "Kenia"),
                    new("Marcala", 9490, "Honduras"), new("Caranavi", 9990, "Bolivia"),
                ],
                [new("lavado"), new("natural", 1.05), new("honey", 1.08), new("anaeróbico", 1.2)],
                [
                    Priced("Tamaño", ("250 g", 1), ("500 g", 1.9), ("1 kg", 3.6)),
                    Choice("Molienda", "Grano entero", "Molido para prensa", "Molido para filtro", "Molido para espresso"),
                ],
                [
                    [
                        "Café de {item}, {detail}, de proceso {style}, tostado en pequeños lotes en Valparaíso.",
                        "Un {style} de {item} ({detail}) que tostamos cada semana en nuestro taller del Cerro Alegre.",
                    ],
                    [
                        "En taza tiene notas de {attr:notas}.",
                        "Esperamos notas de {attr:notas} y un final largo y dulce.",
                        "Notas de {attr:notas}, con acidez {attr:acidez} y cuerpo {attr:cuerpo}.",
                    ],
                    [
                        "Tueste {attr:tueste}: lo recomendamos para {attr:método}.",
                        "Cultivado a {attr:altura} por pequeños productores con los que trabajamos hace años.",
                        "",
                    ],
                ],
                [
                    new("origen", ["{item}, {detail}"]),
                    new("tueste", ["claro", "medio", "medio", "medio oscuro"]),
                    new("notas", ["chocolate y nuez", "frutos rojos y panela", "jazmín y durazno", "caramelo y naranja", "cacao y ciruela", "miel y almendra", "cítricos y té negro"]),
                    new("acidez", ["brillante", "media", "suave"]),
                    new("cuerpo", ["ligero", "medio", "sedoso", "intenso"]),
                    new("altura", ["1.400 m s. n. m.", "1.600 m s. n. m.", "1.750 m s. n. m.", "1.900 m s. n. m.", "2.000 m s. n. m."]),
                    new("método", ["filtro y prensa francesa", "espresso y moka", "cualquier método", "V60 y Chemex"]),
                ],
                Count: 28),
            new Line("coffee-gear", Motif.Mug, "{item}",
                [
                    new("Prensa francesa de 1 litro", 24990, "vidrio borosilicato y acero", Motif.Jar),
                    new("Cafetera moka de 6 tazas", 21990, "aluminio", Motif.Vase),
                    new("Gotero cerámico", 15990, "cerámica esmaltada", Motif.Bowl),
                    new("Filtros de papel, 100 unidades", 4490, "papel sin blanquear", Motif.Bag, []),
                    new("Molinillo manual de acero", 39990, "acero inoxidable", Motif.Jar),
                    new("Taza de cerámica de 250 ml", 8990, "cerámica esmaltada"),
                    new("Tazón enlozado", 7990, "acero enlozado"),
                    new("Hervidor cuello de cisne", 34990, "acero inoxidable", Motif.Jar),
                ],
                [new("")],
                [Choice("Color", "Negro", "Blanco", "Cobre")],
                [
                    ["{title} para preparar en casa el café como en nuestra barra.", "Lo usamos a diario en la cafetería y por eso lo vendemos."],
                    ["Material: {detail}."],
                    ["Garantía de {attr:garantía} contra defectos de fabricación."],
                ],
                [new("material", ["{detail}"]), new("garantía", ["6 meses", "1 año", "2 años"])],
                Count: 8),
        ]);

    private static StoreSpec TejidosDelSur()
    {
        Style[] styles =
        [
            new("de lana chilota"), new("de lana natural"), new("con trenzas", 1.1), new("con guardas", 1.1),
            new("de alpaca", 1.35), new("de lana merino", 1.2), new("con tinte de maqui", 1.05),
        ];
        var colours = Choice("Color", "Crudo", "Gris", "Café", "Burdeo", "Mostaza", "Azul", "Verde");
        string[][] afterMaking =
        [
            [
                "La lana se lava, se hila y se tiñe {attr:teñido} en nuestro taller.",
                "Abriga sin picar y mejora con el uso.",
            ],
            [
                "Cuidado: {attr:cuidado}.",
                "Como cada pieza se hace a mano, el tono puede variar levemente respecto de la foto.",
            ],
        ];
        Attribute[] attributes =
        [
            new("tejido", ["a palillo", "a crochet", "en telar"]),
            new("origen", ["Castro, Chiloé", "Dalcahue, Chiloé", "Achao, Chiloé", "Chonchi, Chiloé"]),
            new("teñido", ["con plantas nativas", "con maqui y nalca", "con cáscara de cebolla", "con líquenes del bosque"]),
            new("cuidado", ["lavar a mano en agua fría y secar a la sombra", "lavar a mano con jabón neutro y secar en plano"]),
        ];

        return new(
            "tejidos-del-sur", "TDS", "tomas@demo.marketplace.local", "Tomás",
            new StoreDraft("Tejidos del Sur",
                "Tejidos hechos a mano en Chiloé con lana de oveja hilada en rueca y teñida con plantas de la isla. Cada pieza es única.",
                RequiresConfirmation: true, "CLP",
                Contact: new StoreContact("hola@tejidosdelsur.example", null, "https://tejidosdelsur.example", "Calle Blanco 356", "Castro, Chiloé", "Chile", null), TaxRatePpm: ChileanVat),
            new Palette(["#e8eef0", "#efe9e1", "#e4e9e4", "#f1ece4"], ["#8a6f5a", "#5b6f7c", "#7a4a3a", "#556b4f", "#b08d57"],
                ["#efe6d6", "#c9a23a", "#a23b2f", "#2f5d8a"]),
            Logo(Motif.Sweater, "#e8eef0", "#5b6f7c", "#efe6d6"),
            [
                "Despachamos desde Castro a todo Chile en 3 a 5 días hábiles.",
                "Si la talla no te queda, la cambiamos sin costo dentro de 30 días.",
                "Cada compra apoya a las tejedoras de la isla con un pago justo.",
            ],
            [
                (new ProductDraft("Gorro de lana",
                    "Gorro tejido a palillo con lana de oveja chilota sin teñir. Abrigador, suave y con doble vuelta en el borde.",
                    "knitwear", "CLP", 14990, ProductStatus.Published, [new VariantDraft("GORRO-01", new Dictionary<string, string>(), null, 12)],
                    new Dictionary<string, string> { ["material"] = "lana de oveja chilota", ["tejido"] = "a palillo" }), Motif.Beanie),
                (new ProductDraft("Bufanda de lana",
                    "Bufanda larga tejida en telar con lana de oveja hilada a mano, con flecos en ambos extremos.",
                    "knitwear", "CLP", 19990, ProductStatus.Published, [new VariantDraft("BUF-01", new Dictionary<string, string>(), null, 8)],
                    new Dictionary<string, string> { ["material"] = "lana de oveja chilota", ["tejido"] = "en telar" }), Motif.Scarf),
            ],
            [
                new Line("knitwear", Motif.Sweater, "{item} {style}",
                    [new("Chaleco", 39990), new("Sweater", 42990), new("Cárdigan", 44990), new("Poncho", 59990)],
                    styles,
                    [Choice("Talla", "S", "M", "L", "XL"), colours],
                    [
                        [
                            "{title} tejido a mano por artesanas de {attr:origen}.",
                            "Pieza tejida {attr:tejido} en {attr:origen}, con lana hilada en rueca.",
                        ],
                        .. afterMaking,
                        ["De corte holgado: si dudas entre dos tallas, elige la menor.", ""],
                    ],
                    attributes,
                    Count: 16),
                new Line("knitwear", Motif.Scarf, "{item} {style}",
                    [
                        new("Gorro", 14990, Motif: Motif.Beanie), new("Bufanda", 19990), new("Cuello", 12990),
                        new("Guantes", 11990, Motif: Motif.Beanie), new("Calcetines", 8990, Motif: Motif.Beanie), new("Manta", 49990),
                        new("Pie de cama", 69990),
                    ],
                    styles,
                    [colours],
                    [["{title}, una pieza tejida {attr:tejido} por artesanas de {attr:origen}."], .. afterMaking],
                    attributes,
                    Count: 20),
            ]);
    }

    private static StoreSpec GredaViva()
    {
        Style[] styles =
        [
            new("de greda natural"), new("de greda negra", 1.2), new("de greda con esmalte verde", 1.15),
            new("de greda con esmalte turquesa", 1.15), new("de greda con borde blanco", 1.1),
        ];
        string[] madeBy = ["Pieza modelada a mano en torno por {attr:artesano}, ceramista de Pomaire, y cocida en horno a leña."];
        string[] artisans = ["Carmen Muñoz", "Luis Ahumada", "Rosa Cornejo", "Héctor Silva"];

        return new(
            "greda-viva", "GRV", "carmen@demo.marketplace.local", "Carmen",
            new StoreDraft("Greda Viva",
                "Cerámica de greda hecha a mano en Pomaire por tercera generación: ollas, fuentes y vajilla que van del horno a la mesa.",
                RequiresConfirmation: true, "CLP",
                Contact: new StoreContact("contacto@gredaviva.example", null, "https://gredaviva.example", "Av. Roberto Bravo 185", "Pomaire, Melipilla", "Chile", null), TaxRatePpm: ChileanVat),
            new Palette(["#f2e6da", "#efe3d3", "#e9ddd0", "#f4ece2"], ["#a0522d", "#8b4a2b", "#b5653a", "#7a3e22", "#3b3b3b"],
                ["#2e8b57", "#3aa6a0", "#f0e6d8", "#d9b382"]),
            Logo(Motif.Vase, "#f2e6da", "#a0522d", "#f0e6d8"),
            [
                "Embalamos cada pieza con papel y cartón reciclado; si llega dañada, la reponemos.",
                "Despachamos a todo Chile; también puedes retirar en nuestro taller de Pomaire.",
                "Hacemos pedidos para restaurantes: escríbenos para cotizar.",
            ],
            [],
            [
                new Line("cookware", Motif.Bowl, "{item} {style}",
                    [
                        new("Olla", 24990), new("Paila", 12990), new("Fuente para horno", 19990, Motif: Motif.Plate), new("Budinera", 16990),
                        new("Tetera", 21990, Motif: Motif.Vase), new("Cántaro", 17990, Motif: Motif.Vase), new("Jarro", 11990, Motif: Motif.Mug),
                        new("Asadera", 22990, Motif: Motif.Plate),
                    ],
                    styles,
                    [Priced("Tamaño", ("Pequeño", 1), ("Mediano", 1.5), ("Grande", 2.1))],
                    [
                        madeBy,
                        [
                            "La greda guarda el calor: la comida sigue caliente en la mesa por mucho rato.",
                            "Va directo del horno o la cocina a gas a la mesa.",
                            "Ideal para pastel de choclo, porotos granados y guisos al horno.",
                        ],
                        ["{attr:curado}.", "Por ser una pieza hecha a mano, sus medidas y su color varían levemente."],
                    ],
                    [
                        new("material", ["greda de Pomaire"]),
                        new("uso", ["horno, cocina a gas y mesa"]),
                        new("curado", ["Viene curada con leche, lista para usar", "Sin curar: hierve leche en ella antes del primer uso"]),
                        new("artesano", artisans),
                    ],
                    Count: 22),
                new Line("tableware", Motif.Mug, "{item} {style}",
                    [
                        new("Taza", 7990), new("Tazón", 8990), new("Plato hondo", 9990, Motif: Motif.Plate), new("Plato llano", 9990, Motif: Motif.Plate),
                        new("Pocillo", 5990, Motif: Motif.Bowl), new("Azucarero", 8990, Motif: Motif.Vase), new("Macetero", 11990, Motif: Motif.Vase),
                        new("Chanchito alcancía", 6990, Motif: Motif.Vase, Axes: [Priced("Tamaño", ("Pequeño", 1), ("Mediano", 1.6), ("Grande", 2.4))]),
                    ],
                    styles,
                    [Priced("Cantidad", ("1 unidad", 1), ("Set de 2", 1.9), ("Set de 4", 3.6))],
                    [
                        madeBy,
                        [
                            "Su esmalte interior no tiene plomo y resiste el lavado diario.",
                            "Rústica y resistente, para el uso de todos los días.",
                            "Combina con el resto de nuestra vajilla del mismo acabado.",
                        ],
                        ["Por ser una pieza hecha a mano, sus medidas y su color varían levemente.", ""],
                    ],
                    [new("material", ["greda de Pomaire"]), new("lavado", ["a mano", "a mano o en lavavajillas"]), new("artesano", artisans)],
                    Count: 18),
            ]);
    }

    private static StoreSpec LibreriaLaPluma()
    {
        Attribute author = new("autor",
        [
            "Isabel Contreras", "Matías Leiva", "Javiera Rojas", "Andrés Fuenzalida", "Catalina Morales", "Tomás Vidal",
            "Francisca Ortúzar", "Diego Aravena", "Valeria Sepúlveda", "Rodrigo Pizarro", "Camila Riquelme", "Gabriel Soto",
        ]);
        Attribute publisher = new("editorial", ["Ediciones Cordillera", "Editorial Puerto Claro", "Ediciones del Pacífico Sur", "Editorial Alameda"]);
        Attribute year = new("año", ["2019", "2020", "2021", "2022", "2023", "2024", "2025"]);
        var format = Priced("Formato", ("Tapa blanda", 1), ("Tapa dura", 1.45));

        return new(
            "libreria-la-pluma", "LLP", "ignacio@demo.marketplace.local", "Ignacio",
            new StoreDraft("Librería La Pluma",
                "Librería independiente en el barrio Lastarria: narrativa, poesía, ensayo y libros infantiles de editoriales chilenas y " +
                "latinoamericanas.",
                RequiresConfirmation: false, "CLP",
                Contact: new StoreContact("libros@lapluma.example", null, "https://lapluma.example", "José Victorino Lastarria 70, local 4", "Santiago", "Chile", null), TaxRatePpm: ChileanVat),
            new Palette(["#f5f1e8", "#ece6da", "#e6ebe8", "#f2ede4"], ["#1f3a5f", "#7a1f2b", "#2e5e4e", "#c77d2e", "#4a3b6b", "#333333"],
                ["#e9c46a", "#f4efe6", "#e76f51", "#a8dadc"]),
            Logo(Motif.Book, "#f5f1e8", "#1f3a5f", "#e9c46a"),
            [
                "Envolvemos para regalo sin costo: indícalo en la nota del pedido.",
                "Despachamos a todo Chile en 2 a 4 días hábiles.",
                "¿Buscas un título que no está? Escríbenos y lo encargamos.",
            ],
            [],
            [
                new Line("books", Motif.Book, "{item} {style}",
                    [
                        new("El invierno", 16990), new("La casa", 16990), new("Los días", 15990), new("La memoria", 17990), new("El jardín", 15990),
                        new("Las cartas", 16990), new("El viaje", 17990), new("La orilla", 15990), new("El mapa", 16990), new("Las horas", 16990),
                    ],
                    Styles("de los pájaros", "de las mareas", "del sur", "de la lluvia", "sin nombre", "del faro", "del desierto", "de los cerros",
                        "en la niebla", "de mi abuela"),
                    [format],
                    [
                        ["Una novela sobre {attr:tema}.", "{attr:autor} escribe sobre {attr:tema}."],
                        [
                            "Una prosa precisa y luminosa, de las que se leen de una sentada.",
                            "Finalista de varios premios de narrativa, ya va en su tercera edición.",
                            "Ideal para club de lectura: trae una guía de preguntas al final.",
                            "",
                        ],
                        ["{attr:páginas} páginas, {attr:editorial}."],
                    ],
                    [
                        author, publisher, year,
                        new("páginas", ["144", "176", "208", "240", "288", "336", "384"]),
                        new("tema",
                        [
                            "una familia que vuelve al sur después de treinta años", "dos hermanas que heredan un almacén en Valparaíso",
                            "un cartero que entrega cartas que nadie escribió", "el último verano de un pueblo minero del norte",
                            "una bióloga que cuenta aves en la costa de Chiloé", "un pianista que recupera la memoria a través de canciones",
                            "tres amigos que cruzan la cordillera a caballo",
                        ]),
                    ],
                    Count: 14),
                new Line("poetry", Motif.Book, "{item} {style}",
                    [new("Cuaderno", 11990), new("Canto", 10990), new("Elegía", 11990), new("Poemas", 12990), new("Oda", 10990), new("Versos", 11490)],
                    Styles("de la cordillera", "para una ciudad", "del agua", "de sal", "de invierno", "al viento", "del puerto"),
                    [],
                    [
                        ["Poemario de {attr:autor} sobre {attr:tema}.", "Poemas breves sobre {attr:tema}."],
                        ["Edición cuidada, cosida a mano.", "Incluye ilustraciones en tinta.", ""],
                        ["{attr:páginas} páginas, {attr:editorial}."],
                    ],
                    [
                        author, publisher, year,
                        new("páginas", ["64", "80", "96", "112"]),
                        new("tema", ["el mar y los puertos", "la infancia en el campo", "la ciudad de noche", "el duelo y la memoria", "los oficios y las manos"]),
                    ],
                    Count: 8),
                new Line("essays", Motif.Book, "{item} {style}",
                    [new("Breve historia", 18990), new("Crónica", 17990), new("Apuntes", 15990), new("Ensayo", 16990)],
                    Styles("del ferrocarril en Chile", "de Valparaíso", "de la cocina chilena", "sobre el Pacífico", "de los oficios perdidos",
                        "sobre la lectura", "del salitre"),
                    [format],
                    [
                        ["Un libro de no ficción que se lee como una novela.", "Años de archivo y entrevistas en un libro riguroso y ameno."],
                        ["Incluye índice analítico y bibliografía.", "Con más de 60 fotografías de archivo.", ""],
                        ["De {attr:autor}; {attr:páginas} páginas, {attr:editorial}."],
                    ],
                    [author, publisher, year, new("páginas", ["192", "224", "272", "320", "416"])],
                    Count: 8),
                new Line("childrens-books", Motif.Book, "{item} {style}",
                    [
                        new("El zorro", 12990), new("La ballena", 12990), new("El pudú", 11990), new("La lechuza", 11990), new("El huemul", 12990),
                        new("La tortuga", 11990), new("El pingüino", 12990),
                    ],
                    Styles("que quería volar", "y la luna", "busca su casa", "aprende a nadar", "no quiere dormir", "y sus amigos"),
                    [Priced("Formato", ("Tapa dura", 1), ("Cartoné", 0.85))],
                    [
                        ["Un álbum ilustrado para leer en voz alta, con textos de {attr:autor}.", "Cuento ilustrado sobre la fauna de Chile y la amistad."],
                        ["Para niñas y niños de {attr:edad}.", ""],
                        ["{attr:páginas} páginas a todo color, {attr:editorial}."],
                    ],
                    [author, publisher, year, new("edad", ["2 a 4 años", "3 a 6 años", "5 a 8 años"]), new("páginas", ["24", "32", "40", "48"])],
                    Count: 10),
            ]);
    }

    private static StoreSpec AlmacenLasHojas() => new(
        "almacen-las-hojas", "ALH", "valentina@demo.marketplace.local", "Valentina",
        new StoreDraft("Almacén Las Hojas",
            "Tés, hierbas y despensa del sur de Chile: miel de ulmo, mermeladas, merkén y yerba mate, de productores que conocemos " +
            "por su nombre.",
            RequiresConfirmation: false, "CLP",
            Contact: new StoreContact("hola@lashojas.example", null, "https://lashojas.example", "San José 242", "Puerto Varas", "Chile", null), TaxRatePpm: ChileanVat),
        new Palette(["#eef3e6", "#f4efe2", "#e7efe9", "#f6f1e7"], ["#4f7a4a", "#6b8e23", "#8b5e3c", "#c9a23a", "#7a2e3a", "#2f5a3a"],
            ["#f6f1e7", "#e9c46a", "#c0392b", "#f4a261"]),
        Logo(Motif.Jar, "#eef3e6", "#4f7a4a", "#e9c46a"),
        [
            "Despachamos desde Puerto Varas a todo Chile.",
            "Envasamos en pequeñas cantidades para que todo llegue fresco.",
            "Pregúntanos por cajas de regalo para empresas.",
        ],
        [],
        [
            new Line("tea", Motif.Bag, "{item} {style}",
                [
                    new("Té negro", 5490, "4 minutos a 95 °C"), new("Té verde", 5990, "2 a 3 minutos a 80 °C"),
                    new("Té blanco", 7990, "3 minutos a 75 °C"), new("Rooibos", 5490, "5 minutos con agua recién hervida"),
                    new("Infusión de hierbas", 4990, "5 a 7 minutos con agua recién hervida"),
                ],
                Styles("con maqui", "con murta", "con cedrón", "con rosa mosqueta", "con canela y naranja", "con boldo y menta", "con calafate"),
                [Priced("Peso", ("50 g", 0.6), ("100 g", 1), ("250 g", 2.2))],
                [
                    [
                        "Mezcla de la casa preparada a mano en Puerto Varas con hojas enteras.",
                        "Hojas enteras y frutos del sur de Chile, mezclados a mano en pequeñas partidas.",
                    ],
                    ["Infusionar {attr:preparación}.", "En taza es {attr:sabor}."],
                    ["Viene en bolsa con cierre hermético que protege el aroma.", ""],
                ],
                [
                    new("preparación", ["{detail}"]),
                    new("sabor", ["frutal y suave", "aromático, con un fondo dulce", "fresco y herbal", "intenso y algo ácido"]),
                ],
                Count: 18),
            new Line("pantry", Motif.Jar, "{item}",
                [
                    new("Miel de ulmo", 8990, "miel de ulmo 100 %"), new("Miel de quillay", 7990, "miel de quillay 100 %"),
                    new("Mermelada de murta", 5490, "murta, azúcar y jugo de limón"),
                    new("Mermelada de calafate", 5490, "calafate, azúcar y jugo de limón"),
                    new("Mermelada de maqui", 5490, "maqui, azúcar y pectina de manzana"),
                    new("Chutney de rosa mosqueta", 5990, "rosa mosqueta, cebolla, vinagre de manzana y especias"),
                    new("Merkén ahumado", 3990, "ají cacho de cabra ahumado, semillas de cilantro y sal", Axes: [Priced("Tamaño", ("Frasco 60 g", 1), ("Bolsa 250 g", 3))]),
                    new("Sal de mar con algas", 4490, "sal de mar y cochayuyo"),
                    new("Manjar de campo", 4990, "leche, azúcar y vainilla"),
                    new("Chucrut de repollo morado", 5990, "repollo morado y sal"),
                ],
                [new("")],
                [Priced("Tamaño", ("Frasco 250 g", 1), ("Frasco 500 g", 1.8))],
                [
                    ["Producto elaborado en pequeñas partidas por {attr:productor}.", "De {attr:productor}, a quienes visitamos cada temporada."],
                    ["Ingredientes: {detail}.", "Sin preservantes ni colorantes. Ingredientes: {detail}."],
                    ["Guardar en un lugar fresco y seco.", "Ideal para acompañar quesos y pan amasado.", ""],
                ],
                [
                    new("productor", ["Apícola Los Ulmos, de Frutillar", "la familia Barrientos, de Cochamó", "la cooperativa de Llanquihue", "doña Elsa, de Ensenada"]),
                    new("ingredientes", ["{detail}"]),
                ],
                Count: 10),
            new Line("mate", Motif.Vase, "{item}",
                [
                    new("Mate de calabaza", 9990, "calabaza curada y forrada en cuero"),
                    new("Mate de palo santo", 14990, "madera de palo santo torneada"),
                    new("Bombilla de alpaca", 8990, "alpaca con filtro de resorte", Motif.Jar),
                    new("Yerba mate con hierbas", 4990, "yerba mate con cedrón, menta y boldo", Motif.Bag, [Priced("Peso", ("500 g", 1), ("1 kg", 1.8))]),
                    new("Yerba mate tradicional", 4290, "yerba mate con palo, de molienda gruesa", Motif.Bag, [Priced("Peso", ("500 g", 1), ("1 kg", 1.8))]),
                ],
                [new("")],
                [],
                [
                    ["{title}: {detail}."],
                    ["Para el mate de todos los días, como se toma en el sur.", "Lo elegimos después de probar muchos."],
                ],
                [new("características", ["{detail}"])],
                Count: 5),
            new Line("chocolate", Motif.Book, "{item} {style}",
                [new("Chocolate amargo 70 %", 3490), new("Chocolate de leche", 3290), new("Chocolate blanco", 3290)],
                Styles("con maqui", "con merkén", "con nueces", "con sal de mar", "con murta"),
                [],
                [
                    ["Tableta de 100 g hecha en Puerto Varas con cacao de comercio justo.", "Tableta de 100 g de una chocolatería familiar de Frutillar."],
                    ["Contiene leche y puede contener trazas de frutos secos."],
                ],
                [new("peso", ["100 g"])],
                Count: 7),
        ]);

    private static StoreSpec SummitTrail()
    {
        var trails = Styles("Ridgeline", "Switchback", "Basecamp", "Alpine", "Cascade", "Bridger", "Gallatin", "Summit");
        var colours = Choice("Color", "Slate", "Forest", "Rust", "Black");

        return new(
            "summit-trail", "STO", "jake@demo.marketplace.local", "Jake",
            new StoreDraft("Summit Trail Outfitters",
                "Camping and hiking gear tested on the trails around Bozeman, Montana. Free returns within 60 days and repairs for life.",
                RequiresConfirmation: false, "USD",
                Contact: new StoreContact("hello@summittrail.example", "+1 406 555 0142", "https://summittrail.example", "214 E Main St", "Bozeman, MT", "United States", null)),
            new Palette(["#e6eef2", "#eef1ea", "#e9ecef", "#f2efe9"], ["#2f5a3a", "#b5482f", "#22344f", "#5b6770", "#c98a2b", "#3c6e71"],
                ["#f2a541", "#f4f1de", "#e07a5f", "#81b29a"]),
            Logo(Motif.Tent, "#e6eef2", "#2f5a3a", "#f2a541"),
            [
                "Ships from Bozeman within two business days.",
                "Free returns within 60 days, even if you used it on the trail.",
                "Covered by our lifetime repair program.",
            ],
            [],
            [
                new Line("tents", Motif.Tent, "{style} {item}",
                    [
                        new("Backpacking Tent", 24900), new("Ultralight Tent", 34900),
                        new("Family Camping Tent", 42900, Axes: [Priced("Capacity", ("4-Person", 1), ("6-Person", 1.3))]),
                        new("Bivy Shelter", 15900, Axes: []),
                    ],
                    trails,
                    [Priced("Capacity", ("1-Person", 1), ("2-Person", 1.2), ("3-Person", 1.45))],
                    [
                        ["Pitches in under five minutes and stays put in a Montana thunderstorm.", "Two doors, two vestibules and enough headroom to sit up and play cards."],
                        ["Packed weight: {attr:weight}.", "Fly: {attr:fabric}."],
                        ["Seams are taped at the factory; the footprint is sold separately.", ""],
                    ],
                    [
                        new("season", ["3-season", "3-season", "4-season"]),
                        new("weight", ["2 lb 14 oz", "3 lb 9 oz", "4 lb 2 oz", "5 lb 6 oz"]),
                        new("fabric", ["20D ripstop nylon, silicone coated", "30D polyester, PU coated"]),
                    ],
                    Count: 7),
                new Line("sleeping-bags", Motif.Bag, "{style} {item}",
                    [
                        new("Down Sleeping Bag", 27900, "650-fill responsibly sourced down"),
                        new("Synthetic Sleeping Bag", 14900, "recycled synthetic insulation"),
                        new("Sleeping Pad", 9900, "closed-cell foam and air baffles", Axes: [Priced("Size", ("Regular", 1), ("Long", 1.15), ("Wide Long", 1.3))]),
                        new("Camp Pillow", 3495, "recycled polyester fill", Axes: []),
                    ],
                    trails,
                    [Priced("Temperature rating", ("35°F", 0.85), ("20°F", 1), ("0°F", 1.3))],
                    [
                        ["Made with {detail}, it packs down small and lofts back up fast.", "Warm, light and simple, built with {detail}."],
                        ["Weight: {attr:weight}.", ""],
                        ["Comes with a stuff sack and a storage sack."],
                    ],
                    [new("weight", ["14 oz", "1 lb 6 oz", "2 lb 1 oz", "2 lb 11 oz"]), new("fill", ["{detail}"])],
                    Count: 7),
                new Line("backpacks", Motif.Backpack, "{style} {item}",
                    [
                        new("Daypack 22L", 8900), new("Hiking Pack 40L", 17900),
                        new("Trekking Pack 60L", 23900, Axes: [Choice("Torso", "S/M", "M/L"), colours]),
                        new("Hydration Vest", 11900),
                    ],
                    trails,
                    [colours],
                    [
                        ["Adjustable torso, padded hip belt and a ventilated back panel for long climbs.", "A clean, top-loading design with side pockets you can reach without stopping."],
                        ["Fabric: {attr:fabric}.", "Weight: {attr:weight}."],
                        ["Hydration-sleeve compatible.", ""],
                    ],
                    [new("fabric", ["210D recycled ripstop nylon", "420D nylon with a waterproof coating"]), new("weight", ["1 lb 2 oz", "2 lb 4 oz", "3 lb 10 oz"])],
                    Count: 9),
                new Line("outdoor-apparel", Motif.Sweater, "{style} {item}",
                    [
                        new("Rain Jacket", 17900, "2.5-layer recycled nylon, waterproof and breathable"),
                        new("Fleece Pullover", 8900, "recycled polyester grid fleece"),
                        new("Insulated Jacket", 22900, "ripstop nylon with synthetic insulation"),
                        new("Merino Base Layer", 7900, "18.5-micron merino wool"),
                        new("Hiking Pants", 8500, "nylon-spandex stretch weave"),
                    ],
                    trails,
                    [Choice("Size", "S", "M", "L", "XL"), Choice("Color", "Black", "Forest", "Navy", "Rust")],
                    [
                        ["Cut for movement, with room to layer underneath.", "Light enough to forget in your pack, warm enough for a windy ridge."],
                        ["Material: {detail}.", ""],
                        ["Machine wash cold, hang dry.", "True to size; size up for heavy layering."],
                    ],
                    [new("material", ["{detail}"]), new("fit", ["regular", "athletic", "relaxed"])],
                    Count: 9),
                new Line("camp-gear", Motif.Peaks, "{style} {item}",
                    [
                        new("Headlamp", 3995, "350 lumens, rechargeable over USB-C"),
                        new("Trekking Poles", 12900, "carbon fiber shafts and cork grips", Axes: [Choice("Length", "105-125 cm", "115-135 cm")]),
                        new("Insulated Bottle 32 oz", 3495, "double-wall stainless steel", Motif.Jar, [colours]),
                        new("Camp Stove", 6995, "a canister stove that boils a liter in three and a half minutes"),
                        new("Titanium Mug", 2995, "450 ml of titanium at 2.6 oz", Motif.Mug),
                        new("Water Filter", 4495, "a 0.1-micron hollow-fiber filter", Motif.Jar),
                    ],
                    trails,
                    [],
                    [["What it is: {detail}."], ["Small, tough and easy to fix in the field.", "One of the things we never leave at home."]],
                    [new("specs", ["{detail}"])],
                    Count: 6),
            ]);
    }

    private static StoreSpec SaddleAndStitch()
    {
        var styles = Styles("Ranger", "Heritage", "Minimalist", "Field", "Harness", "Bastrop", "Pecos");
        Attribute leather = new("leather", ["vegetable-tanned full-grain leather", "oil-tanned full-grain leather", "English bridle leather"]);

        return new(
            "saddle-and-stitch", "SSL", "maya@demo.marketplace.local", "Maya",
            new StoreDraft("Saddle & Stitch Leather Co.",
                "Full-grain leather goods cut, stitched and burnished by hand in Austin, Texas. Built to be carried for decades and " +
                "repaired, not replaced.",
                RequiresConfirmation: false, "USD",
                Contact: new StoreContact("shop@saddleandstitch.example", "+1 512 555 0187", "https://saddleandstitch.example", "1108 E 6th St", "Austin, TX", "United States", null)),
            new Palette(["#f3ece4", "#ede4da", "#e8e2da", "#f5f0ea"], ["#7b4a2a", "#2b2b2b", "#b98552", "#5a1f1f", "#8a5a3b"],
                ["#d4a373", "#c9b79c", "#e9d8a6", "#b08968"]),
            Logo(Motif.Wallet, "#f3ece4", "#7b4a2a", "#e9d8a6"),
            [
                "Free monogramming: add your initials in the order note.",
                "Ships from Austin in 3-5 business days.",
                "Every piece carries a 10-year warranty on stitching and hardware.",
            ],
            [],
            [
                new Line("wallets", Motif.Wallet, "{style} {item}",
                    [
                        new("Bifold Wallet", 6900, "6-8 cards and folded bills"), new("Card Holder", 3900, "4-6 cards"),
                        new("Long Wallet", 8900, "12 cards, bills and a phone"), new("Passport Cover", 5900, "a passport and a boarding pass"),
                        new("Key Fob", 1900, "a ring of up to 8 keys"), new("Coin Pouch", 2900, "coins, earbuds and small keepsakes"),
                    ],
                    styles,
                    [Choice("Color", "Chestnut", "Black", "Tan", "Oxblood")],
                    [
                        ["Cut from {attr:leather} and hand-stitched with {attr:thread} thread.", "Made from {attr:leather} that darkens and softens with every year of use."],
                        ["Holds {detail}."],
                        ["Edges burnished by hand and sealed with beeswax.", ""],
                    ],
                    [leather, new("thread", ["waxed linen", "waxed polyester"])],
                    Count: 14),
                new Line("belts", Motif.Belt, "{style} {item}",
                    [new("Dress Belt", 7500), new("Work Belt", 8500), new("Braided Belt", 9500), new("Western Belt", 9900)],
                    styles,
                    [Choice("Waist", "32", "34", "36", "38", "40"), Choice("Color", "Chestnut", "Black", "Tan")],
                    [
                        ["A single strip of {attr:leather}, {attr:width} wide, with a {attr:buckle} buckle.", "Cut from one hide of {attr:leather} with a {attr:buckle} buckle."],
                        ["Order your usual pant size; the belt is measured to the middle hole.", ""],
                    ],
                    [leather, new("width", ["1.25 in", "1.5 in"]), new("buckle", ["solid brass", "stainless steel", "antique nickel"])],
                    Count: 8),
                new Line("bags", Motif.Tote, "{style} {item}",
                    [
                        new("Tote Bag", 19500), new("Messenger Bag", 26500), new("Weekender Duffel", 39500), new("Dopp Kit", 6500, Motif: Motif.Wallet),
                        new("Crossbody Bag", 16500),
                    ],
                    styles,
                    [Choice("Color", "Chestnut", "Black", "Tan", "Oxblood")],
                    [
                        ["Built from {attr:leather} with a cotton canvas lining and solid brass hardware.", "Structured enough to stand on its own, soft enough to carry every day."],
                        ["Inside: {attr:interior}.", ""],
                        ["Every bag is numbered and signed by its maker."],
                    ],
                    [leather, new("interior", ["one zip pocket and two slip pockets", "a padded laptop sleeve and a key clip", "two slip pockets"])],
                    Count: 10),
                new Line("leather-care", Motif.Jar, "{item}",
                    [
                        new("Leather Conditioner 4 oz", 1800, "beeswax, lanolin and neatsfoot oil"),
                        new("Horsehair Brush", 2200, "natural horsehair on a beech handle", Motif.Wallet),
                        new("Notebook Cover", 4500, "fits A5 notebooks, with a pen loop", Motif.Book),
                        new("Watch Strap", 4900, "20 mm, with quick-release pins", Motif.Belt, [Choice("Color", "Chestnut", "Black", "Tan")]),
                    ],
                    [new("")],
                    [],
                    [["{title}: {detail}."], ["Made in our Austin workshop."]],
                    [new("details", ["{detail}"]), new("made in", ["Austin, Texas"])],
                    Count: 4),
            ]);
    }

    private static StoreSpec LittleOakToys()
    {
        Attribute age = new("age", ["12 months and up", "18 months and up", "2 years and up", "3 years and up"]);

        return new(
            "little-oak-toys", "LOT", "noah@demo.marketplace.local", "Noah",
            new StoreDraft("Little Oak Toys",
                "Wooden toys and games made from sustainably harvested Vermont maple, finished with food-safe oils and paints. " +
                "Designed to be handed down.",
                RequiresConfirmation: false, "USD",
                Contact: new StoreContact("hello@littleoaktoys.example", "+1 802 555 0163", "https://littleoaktoys.example", "47 Church St", "Burlington, VT", "United States", null)),
            new Palette(["#fdf6e3", "#eef6f0", "#f3eefa", "#fbeee6"], ["#e76f51", "#2a9d8f", "#e0a526", "#457b9d", "#f4a261", "#6a994e"],
                ["#264653", "#e63946", "#ffb703", "#3a86ff"]),
            Logo(Motif.Rings, "#fdf6e3", "#2a9d8f", "#ffb703"),
            [
                "Tested to US toy safety standards.",
                "Ships from Burlington in 1-3 business days, gift-wrapped on request.",
                "If a piece ever breaks, we'll replace it.",
            ],
            [],
            [
                new Line("toys", Motif.Blocks, "{style} {item}",
                    [
                        new("Stacking Rings", 2800, Motif: Motif.Rings),
                        new("Building Blocks", 4500, Axes: [Priced("Set", ("24 pieces", 1), ("48 pieces", 1.7), ("96 pieces", 3))]),
                        new("Pull-Along Duck", 3200), new("Train Set", 6800), new("Shape Sorter", 3400), new("Balance Board", 8900),
                        new("Arch Stacker", 4200, Motif: Motif.Rings), new("Marble Run", 7900),
                    ],
                    Styles("Maple", "Rainbow", "Natural", "Forest Friends", "Pastel", "Little Oak"),
                    [],
                    [
                        ["Turned and sanded in our Burlington workshop from {attr:material}, finished with {attr:finish}.", "Chunky pieces sized for small hands, with rounded edges and no small parts."],
                        ["Recommended for {attr:age}.", "Encourages open-ended play, counting and color sorting.", ""],
                        ["Wipe clean with a damp cloth."],
                    ],
                    [
                        age,
                        new("material", ["Vermont hard maple", "maple and cherry", "maple and beech"]),
                        new("finish", ["beeswax and organic linseed oil", "water-based non-toxic paint"]),
                    ],
                    Count: 20),
                new Line("games", Motif.Blocks, "{style} {item}",
                    [
                        new("Jigsaw Puzzle", 2400, Axes: [Priced("Pieces", ("24 pieces", 1), ("48 pieces", 1.3), ("100 pieces", 1.6))]),
                        new("Memory Game", 2200), new("Tic-Tac-Toe Set", 1800), new("Dominoes", 2600), new("Lacing Beads", 1600, Motif: Motif.Rings),
                    ],
                    Styles("Woodland", "Ocean", "Farm", "Mountain", "Night Sky"),
                    [],
                    [
                        ["Printed with soy-based inks on {attr:material}.", "Illustrated by a Vermont artist and cut from {attr:material}."],
                        ["Comes in a cotton drawstring bag for storage.", "For 1-4 players.", ""],
                        ["Recommended for {attr:age}."],
                    ],
                    [new("age", ["3 years and up", "4 years and up", "5 years and up"]), new("material", ["Baltic birch plywood", "solid maple"])],
                    Count: 10),
                new Line("pretend-play", Motif.Blocks, "{style} {item}",
                    [
                        new("Tea Set", 3800, Motif: Motif.Mug), new("Tool Bench", 5600), new("Doctor Kit", 3200, Motif: Motif.Tote),
                        new("Play Food Crate", 3400), new("Cash Register", 4800),
                    ],
                    Styles("Maple", "Pastel", "Natural"),
                    [],
                    [
                        ["Everything stores in its own box, so cleanup is part of the game.", "Made from {attr:material} and sized for little hands."],
                        ["Recommended for {attr:age}."],
                    ],
                    [age, new("material", ["Vermont hard maple", "maple and beech"])],
                    Count: 6),
            ]);
    }

    private static Style[] Styles(params string[] names) => names.Select(n => new Style(n)).ToArray();

    private static Axis Choice(string option, params string[] values) => new(option, values.Select(v => (v, 1.0)).ToArray());

    private static Axis Priced(string option, params (string Value, double Factor)[] values) => new(option, values);

    private static Picture Logo(Motif motif, string background, string main, string accent) =>
        new(motif, Rgb.Parse(background), Rgb.Parse(main), Rgb.Parse(accent), 0);
}
